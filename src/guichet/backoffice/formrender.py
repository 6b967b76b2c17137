"""A small renderer for the service forms stored as data (catalogue.formdef), for agents.

The portal has its own; the two may be merged later. Fields become plain view objects that
the template `backoffice/includes/formdef_fields.html` draws with DSFR markup; the submission
is then checked by `cases.actions.submit_request` (catalogue.validation), never here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from guichet.catalogue.formdef import parse_form_definition

INPUT_TYPES = {
    "short_text": "text",
    "email": "email",
    "phone": "tel",
    "address": "text",
    "number": "text",
    "date": "date",
}


@dataclass
class ChoiceView:
    value: str
    label: str
    selected: bool
    input_id: str


@dataclass
class FieldView:
    name: str
    label: str
    type: str
    required: bool
    help_text: str
    input_id: str
    value: Any = ""
    errors: list[str] = field(default_factory=list)
    choices: list[ChoiceView] = field(default_factory=list)
    condition: str = ""  # "shown when …" in French, for a form drawn without script
    multiple: bool = False
    accept: str = ""
    lat: str = ""
    lon: str = ""

    @property
    def input_type(self) -> str:
        return INPUT_TYPES.get(self.type, "text")


def form_fields(definition: Any, data=None, errors: dict[str, list[str]] | None = None):
    """The fields of a stored form definition, filled with `data` and `errors` if given."""
    form = parse_form_definition(definition)
    data = data or {}
    errors = errors or {}
    labels = form.labels
    views = []
    for item in form.fields:
        view = FieldView(
            name=item.name, label=item.label, type=item.type, required=item.required,
            help_text=item.help_text, input_id=f"id_f_{item.name}", errors=errors.get(item.name, []),
        )  # fmt: skip
        getlist = getattr(data, "getlist", None)
        if item.type == "multiple_choice":
            picked = set(getlist(item.name) if callable(getlist) else data.get(item.name) or [])
        else:
            picked = {str(data.get(item.name, ""))}
            view.value = data.get(item.name, "")
        if item.type in ("choice", "multiple_choice"):
            view.choices = [
                ChoiceView(c.value, c.label, c.value in picked, f"{view.input_id}_{n}")
                for n, c in enumerate(item.choices)
            ]
        if item.type == "location":
            view.lat, view.lon = data.get(f"{item.name}_lat", ""), data.get(f"{item.name}_lon", "")
        if item.type == "file":
            view.multiple = item.max_files > 1
            view.accept = ",".join(f".{kind}" for kind in item.allowed_types)
        if item.show_if is not None:
            expected = " ou ".join(
                _choice_label(form, item.show_if.field, v) for v in item.show_if.expected
            )
            view.condition = f"À remplir si « {labels.get(item.show_if.field)} » = {expected}"
        views.append(view)
    return views


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
            shown.append(Answer(item.label, "", by_field.get(item.name, [])))
            continue
        shown.append(Answer(item.label, _text(form, item, value)))
    known = {item.name for item in form.fields}
    for name, value in form_data.items():
        if name not in known:  # answers to a field since removed from the form
            shown.append(Answer(name, str(value)))
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
