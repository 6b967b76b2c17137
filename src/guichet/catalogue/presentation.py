"""A service's form definition ready for templates, on the portal and in the back office.

`form_fields()` gives one view per field with the typed value and its errors, so a refused
submission comes back as it was typed (drawn by `catalogue/fields/field.html`, with
`catalogue/form_fields.js` for conditions and the map); `answers()` spells a stored submission
out, labelled, for reading.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from guichet.catalogue.formdef import FormDefinition, parse_form_definition

# Up to this many options a choice is a radio group (all visible); beyond, a drop-down list.
RADIO_MAX = 6
_ACCEPT = {
    "pdf": ".pdf,application/pdf",
    "png": ".png,image/png",
    "jpeg": ".jpg,.jpeg,image/jpeg",
    "webp": ".webp,image/webp",
    "heic": ".heic,image/heic",
}
_TRUE = {"on", "true", "1", "oui", "yes"}


@dataclass
class Option:
    value: str
    label: str
    selected: bool
    id: str


@dataclass
class FieldView:
    spec: Any  # the parsed field (catalogue.formdef)
    value: str = ""
    errors: list[str] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    checked: bool = False
    lat: str = ""
    lon: str = ""

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def type(self) -> str:
        return self.spec.type

    @property
    def id(self) -> str:
        return f"champ-{self.spec.name}"

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def required(self) -> bool:
        return self.spec.required

    @property
    def help_text(self) -> str:
        return self.spec.help_text

    @property
    def widget(self) -> str:
        if self.type == "choice":
            return "radio" if len(self.spec.choices) <= RADIO_MAX else "select"
        return self.type

    @property
    def show_if(self) -> str:
        """The condition as JSON for the browser script ("" when always shown)."""
        condition = self.spec.show_if
        if condition is None:
            return ""
        values = [_as_text(value) for value in condition.expected]
        return json.dumps({"field": condition.field, "values": values})

    @property
    def accept(self) -> str:
        return ",".join(_ACCEPT[kind] for kind in getattr(self.spec, "allowed_types", []))

    @property
    def file_hint(self) -> str:
        if self.type != "file":
            return ""
        kinds = ", ".join(kind.upper() for kind in self.spec.allowed_types)
        count = self.spec.max_files
        many = f"{count} fichiers au plus" if count > 1 else "un fichier"
        size = f"{self.spec.max_size_mb:g}".replace(".", ",")
        return f"{many}, {size} Mo au plus chacun. Formats acceptés : {kinds}."


def form_fields(
    definition: Any, data: Any = None, errors: dict[str, list[str]] | None = None
) -> list[FieldView]:
    """One view per field of `definition`, filled from the submitted `data` (a QueryDict)."""
    form: FormDefinition = parse_form_definition(definition)
    errors = errors or {}
    views = []
    for spec in form.fields:
        view = FieldView(spec=spec, errors=list(errors.get(spec.name, [])))
        _fill(view, data)
        views.append(view)
    return views


def _fill(view: FieldView, data: Any) -> None:
    spec = view.spec
    getlist = getattr(data, "getlist", None)
    raw = data.get(spec.name, "") if data is not None else ""
    if spec.type in ("choice", "multiple_choice"):
        if spec.type == "multiple_choice" and callable(getlist):
            chosen = {str(v) for v in getlist(spec.name)}
        else:
            chosen = {str(raw)}
        view.options = [
            Option(c.value, c.label, c.value in chosen, f"{view.id}-{index}")
            for index, c in enumerate(spec.choices)
        ]
    elif spec.type == "checkbox":
        view.checked = str(raw).strip().lower() in _TRUE
    elif spec.type == "location":
        if data is not None:
            view.lat = str(data.get(f"{spec.name}_lat", ""))
            view.lon = str(data.get(f"{spec.name}_lon", ""))
    elif spec.type != "file":
        view.value = str(raw) if raw is not None else ""


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _choice_label(form, field_name: str, value: Any) -> str:
    controller = form.field(field_name)
    for choice in getattr(controller, "choices", []):
        if choice.value == str(value):
            return choice.label
    return str(value)


@dataclass
class Answer:
    label: str
    text: str
    files: list[Any] = field(default_factory=list)
    name: str = ""  # the field's name ("" for none)


def answers(definition: Any, form_data: dict[str, Any], attachments) -> list[Answer]:
    """The person's answers in the form's order, labelled, with choices spelled out and the
    files of each file field (an attachment list) to link to."""
    form = parse_form_definition(definition)
    by_field: dict[str, list[Any]] = {}
    for attachment in attachments:
        by_field.setdefault(attachment.field_name, []).append(attachment)
    shown = []
    for item in form.fields:
        if item.name not in form_data and not by_field.get(item.name):
            continue
        value = form_data.get(item.name)
        if item.type == "file":
            files = by_field.get(item.name, [])
            names = [f.get("name", "") for f in value or [] if isinstance(f, dict)]
            shown.append(Answer(item.label, "" if files else ", ".join(names), files, item.name))
            continue
        shown.append(Answer(item.label, _text(form, item, value), name=item.name))
    known = {item.name for item in form.fields}
    for name, value in form_data.items():
        if name not in known:  # answers to a field since removed from the form
            shown.append(Answer(name, str(value), name=name))
    return shown


def _text(form, item, value: Any) -> str:
    if item.type == "checkbox":
        return "oui" if value else "non"
    if item.type == "choice":
        return _choice_label(form, item.name, value)
    if item.type == "multiple_choice":
        return ", ".join(_choice_label(form, item.name, v) for v in value or [])
    if item.type == "location" and isinstance(value, dict):
        return f"latitude {value.get('lat')}, longitude {value.get('lon')}"
    if item.type == "date" and isinstance(value, str) and len(value) == 10:
        year, month, day = value.split("-")
        return f"{day}/{month}/{year}"
    return "" if value is None else str(value)
