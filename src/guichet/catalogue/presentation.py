"""A service's form definition ready for templates, on the portal and in the back office.

`form_fields()` gives one view per field with the typed value and its errors, so a refused
submission comes back as it was typed (drawn by `catalogue/fields/field.html`, with
`catalogue/form_fields.js` for conditions, pages, blocks and the map); `answers()` spells a
stored submission out, labelled, for reading.

The views come as one flat list a template draws in a loop (`{% for field in fields %}{%
include "catalogue/fields/field.html" %}`): a page or a section is a pair of views, its
opening (`marker` "page" or "section") and its closing ("page_end", "section_end"), with the
fields in between; a repeatable block is one view holding its blocks and, for the script,
an empty block to copy. So every view has a name, an id, a label and errors, as the pages'
error summaries expect.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from guichet.catalogue.formdef import FormDefinition, parse_form_definition
from guichet.catalogue.validation.blocks import check_blocks, submitted_blocks
from guichet.catalogue.validation.cleaners import Invalid

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
class BlockView:
    """One block of a repeatable block: its number as read (« Enfant 2 ») and its fields."""

    index: str  # in the inputs' names: `<repeat>-<index>-<field>`
    number: str
    fields: list[FieldView]
    spare: bool = False  # an extra empty block for a page without the script


@dataclass
class FieldView:
    spec: Any  # the parsed item (catalogue.formdef)
    value: str = ""
    errors: list[str] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    checked: bool = False
    lat: str = ""
    lon: str = ""
    prefix: str = ""  # a block's fields: `<repeat>-<index>-`
    # Pages and sections: "page", "page_end", "section", "section_end"; the page's step.
    marker: str = ""
    step: int = 0
    steps: int = 0
    heading: str = "h2"
    # Repeatable blocks: the blocks shown, the empty one the script copies, the errors
    # about the whole (the count), and the next index free.
    blocks: list[BlockView] = field(default_factory=list)
    template: BlockView | None = None
    group_errors: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.prefix + self.spec.name

    @property
    def type(self) -> str:
        return self.spec.type

    @property
    def id(self) -> str:
        suffix = "-fin" if self.marker.endswith("_end") else ""
        return f"champ-{self.name}{suffix}"

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
    def unit(self) -> str:
        return getattr(self.spec, "unit", "")

    @property
    def widget(self) -> str:
        if self.marker:
            return self.marker
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
    """The views of `definition`'s items, filled from the submitted `data` (a QueryDict)."""
    form: FormDefinition = parse_form_definition(definition)
    errors = errors or {}
    steps = sum(1 for item in form.fields if item.type == "page")
    heading = "h3" if steps else "h2"
    views: list[FieldView] = []
    open_page = open_section = None
    for spec in form.fields:
        if spec.type in ("page", "section") and open_section is not None:
            views.append(FieldView(spec=open_section, marker="section_end"))
            open_section = None
        if spec.type == "page":
            if open_page is not None:
                views.append(FieldView(spec=open_page, marker="page_end"))
            open_page = spec
            views.append(FieldView(spec=spec, marker="page", step=len(
                [v for v in views if v.marker == "page"]) + 1, steps=steps))  # fmt: skip
        elif spec.type == "section":
            open_section = spec
            views.append(FieldView(spec=spec, marker="section", heading=heading))
        elif spec.type == "repeat":
            views.append(_repeat(spec, data, errors.get(spec.name, [])))
        else:
            view = FieldView(spec=spec, errors=list(errors.get(spec.name, [])))
            _fill(view, data)
            views.append(view)
    if open_section is not None:
        views.append(FieldView(spec=open_section, marker="section_end"))
    if open_page is not None:
        views.append(FieldView(spec=open_page, marker="page_end"))
    return views


def _repeat(spec: Any, data: Any, errors: list[str]) -> FieldView:
    """A repeatable block as sent (or as many empty blocks as it needs, at least one)."""
    view = FieldView(spec=spec, errors=list(errors))
    raw: list[Any] = []
    block_errors: list[dict[str, list[str]]] = []
    if data is not None:
        try:
            raw = submitted_blocks(spec, data)
        except Invalid:
            raw = []
        if errors:
            checked = check_blocks(spec, data)
            block_errors, view.group_errors = checked.errors, checked.whole
        raw = raw[: spec.max_items]
    count = max(len(raw), spec.least, 1)
    # Sent back: one more empty block, for a person without the script to add one (the
    # script removes it: it has its « Ajouter » button).
    spare = 1 if data is not None and count < spec.max_items else 0
    for position in range(count + spare):
        block = raw[position] if position < len(raw) else None
        mistakes = block_errors[position] if position < len(block_errors) else {}
        view.blocks.append(_block(spec, str(position), str(position + 1), block, mistakes))
        view.blocks[-1].spare = position >= count
    view.template = _block(spec, "__INDEX__", "__NUMBER__", None, {})
    return view


def _block(
    spec: Any, index: str, number: str, block: Any, errors: dict[str, list[str]]
) -> BlockView:
    fields = []
    for inner in spec.fields:
        view = FieldView(
            spec=inner, prefix=f"{spec.name}-{index}-", errors=list(errors.get(inner.name, []))
        )
        _fill(view, block if isinstance(block, dict) else None, inner.name)
        fields.append(view)
    return BlockView(index=index, number=number, fields=fields)


def _fill(view: FieldView, data: Any, key: str | None = None) -> None:
    """Fill `view` from `data[key]` (the view's own name by default)."""
    spec = view.spec
    key = view.name if key is None else key
    getlist = getattr(data, "getlist", None)
    raw = data.get(key, "") if data is not None else ""
    if spec.type in ("choice", "multiple_choice"):
        if spec.type == "multiple_choice" and callable(getlist):
            chosen = {str(v) for v in getlist(key)}
        elif isinstance(raw, list | tuple):
            chosen = {str(v) for v in raw}
        else:
            chosen = {str(raw)}
        view.options = [
            Option(c.value, c.label, c.value in chosen, f"{view.id}-{index}")
            for index, c in enumerate(spec.choices)
        ]
    elif spec.type == "checkbox":
        view.checked = raw is True or str(raw).strip().lower() in _TRUE
    elif spec.type == "location":
        if data is not None:
            view.lat = str(data.get(f"{key}_lat", ""))
            view.lon = str(data.get(f"{key}_lon", ""))
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
    for item in form.questions:
        if item.name not in form_data and not by_field.get(item.name):
            continue
        value = form_data.get(item.name)
        if item.type == "repeat":
            shown.append(Answer(item.label, _blocks_text(form, item, value), name=item.name))
            continue
        if item.type == "file":
            files = by_field.get(item.name, [])
            names = [f.get("name", "") for f in value or [] if isinstance(f, dict)]
            shown.append(Answer(item.label, "" if files else ", ".join(names), files, item.name))
            continue
        shown.append(Answer(item.label, _text(form, item, value), name=item.name))
    known = {item.name for item in form.questions}
    for name, value in form_data.items():
        if name not in known:  # answers to a field since removed from the form
            shown.append(Answer(name, str(value), name=name))
    return shown


def _blocks_text(form, item, value: Any) -> str:
    """One line per block: « Enfant 1 — Prénom : Léa ; Date de naissance : 03/02/2015 »."""
    lines = []
    for number, block in enumerate(value if isinstance(value, list) else [], start=1):
        if not isinstance(block, dict):
            continue
        parts = [
            f"{inner.label} : {_text(item, inner, block[inner.name])}"
            for inner in item.fields
            if inner.name in block
        ]
        lines.append(f"{item.item_label} {number} — " + " ; ".join(parts))
    return "\n".join(lines)


def _text(form, item, value: Any) -> str:
    if item.type == "checkbox":
        return "oui" if value else "non"
    if item.type == "choice":
        return _choice_label(form, item.name, value)
    if item.type == "multiple_choice":
        return ", ".join(_choice_label(form, item.name, v) for v in value or [])
    if item.type == "number" and getattr(item, "unit", "") and value is not None:
        return f"{str(value).replace('.', ',')} {item.unit}"
    if item.type == "location" and isinstance(value, dict):
        return f"latitude {value.get('lat')}, longitude {value.get('lon')}"
    if item.type == "date" and isinstance(value, str) and len(value) == 10:
        year, month, day = value.split("-")
        return f"{day}/{month}/{year}"
    return "" if value is None else str(value)
