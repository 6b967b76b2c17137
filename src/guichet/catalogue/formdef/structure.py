"""The items that structure a form (sections, pages, repeatable blocks) and the whole form.

`structure_problems()` holds the checks that span items (names, conditions, pages, the
summary): each problem is one French sentence naming the items involved.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from guichet.catalogue.formdef.fields import (
    SLUG,
    AddressField,
    CheckboxField,
    ChoiceField,
    Condition,
    DateField,
    EmailField,
    LongTextField,
    MultipleChoiceField,
    NumberField,
    PhoneField,
    RnaField,
    ShortTextField,
    SimpleField,
    SiretField,
    _Strict,
)

# Fields whose cleaned value can be compared with a condition's expected values.
CONDITIONABLE = ("short_text", "number", "choice", "multiple_choice", "checkbox")
# Fields that may summarise a request: what is asked, never who asks or where they live
# (an e-mail, a phone number, an address, a point, a date, a file are personal data or say
# nothing). A free text may still hold a name: the service's designer declares which one.
SUMMARY_TYPES = ("short_text", "long_text", "choice", "multiple_choice")
# Without a declared summary, the first of these fields answered describes the request.
DESCRIPTION_NAMES = ("objet", "titre", "sujet", "description", "message")
SUMMARY_LENGTH = 120
# What a repeatable block may hold: the one-value fields. Not a file (uploads are tied to a
# field name) nor a point on the map (one map per block), nor a block in a block.
REPEATABLE_TYPES = (
    "short_text", "long_text", "number", "date", "choice", "multiple_choice", "email",
    "phone", "address", "checkbox", "siret", "rna",
)  # fmt: skip
REPEAT_LIMIT = 50
_OF = {"section": "de la section", "page": "de la page", "repeat": "du bloc répétable"}


class _Marker(_Strict):
    """A section or a page: it asks nothing, so it is never required nor a summary."""

    name: Annotated[str, Field(pattern=SLUG, max_length=60)]
    label: Annotated[str, Field(min_length=1, max_length=200)]  # the title
    help_text: Annotated[str, Field(max_length=2000)] = ""

    @property
    def required(self) -> bool:
        return False

    @property
    def summary(self) -> bool:
        return False


class SectionItem(_Marker):
    """A titled group: everything after it, up to the next section or page, belongs to it and
    is hidden with it when its condition is not met."""

    type: Literal["section"]
    show_if: Condition | None = None


class PageItem(_Marker):
    """A page break: a form with pages starts with one; the portal shows them step by step."""

    type: Literal["page"]

    @property
    def show_if(self) -> None:
        return None


RepeatableField = Annotated[
    ShortTextField
    | LongTextField
    | NumberField
    | DateField
    | ChoiceField
    | MultipleChoiceField
    | EmailField
    | PhoneField
    | AddressField
    | CheckboxField
    | SiretField
    | RnaField,
    Field(discriminator="type"),
]


class RepeatItem(_Strict):
    """A block of fields answered once per item (each child of a household): the answer is a
    list of objects, one per block, each keyed by the block's field names."""

    type: Literal["repeat"]
    name: Annotated[str, Field(pattern=SLUG, max_length=60)]
    label: Annotated[str, Field(min_length=1, max_length=200)]
    help_text: Annotated[str, Field(max_length=2000)] = ""
    show_if: Condition | None = None
    # At least one block (as `min_items: 1`).
    required: bool = False
    # What one block is called: « Enfant » gives « Enfant 1 », « Enfant 2 ».
    item_label: Annotated[str, Field(min_length=1, max_length=60)]
    # The add button's text (« Ajouter un enfant »); « Ajouter : Enfant » when left empty.
    add_label: Annotated[str, Field(max_length=80)] = ""
    min_items: Annotated[int, Field(ge=0, le=REPEAT_LIMIT)] = 0
    max_items: Annotated[int, Field(ge=1, le=REPEAT_LIMIT)] = 10
    fields: Annotated[list[RepeatableField], Field(min_length=1, max_length=30)]

    @property
    def summary(self) -> bool:
        return False

    @property
    def least(self) -> int:
        """The fewest blocks accepted."""
        return max(self.min_items, 1 if self.required else 0)

    @property
    def add_text(self) -> str:
        return self.add_label or f"Ajouter : {self.item_label}"

    @model_validator(mode="after")
    def _sound(self) -> RepeatItem:
        if self.min_items > self.max_items:
            raise ValueError("min_items est supérieur à max_items")
        for inner in self.fields:
            if inner.show_if is not None:
                raise ValueError(
                    f"le champ « {inner.name} » du bloc répétable « {self.name} » ne peut pas "
                    "avoir de condition (« show_if ») : placez la condition sur le bloc"
                )
            if inner.summary:
                raise ValueError(
                    f"le champ « {inner.name} » du bloc répétable « {self.name} » ne peut pas "
                    "résumer la demande (« summary »)"
                )
        return self

    def field(self, name: str) -> Any:
        for inner in self.fields:
            if inner.name == name:
                return inner
        raise KeyError(name)


FormItem = Annotated[SimpleField | SectionItem | PageItem | RepeatItem, Field(discriminator="type")]
# The former name of an item of a form, kept for the callers that import it.
FormField = FormItem


def structure_problems(items: list[Any]) -> list[str]:
    """What is wrong across the items of a form (each item being valid on its own)."""
    problems: list[str] = []
    inner_names = {inner.name for item in items if item.type == "repeat" for inner in item.fields}
    all_names = {item.name for item in items} | inner_names
    seen: set[str] = set()
    earlier: dict[str, Any] = {}
    for item in items:
        names = [item.name] + [inner.name for inner in getattr(item, "fields", [])]
        for name in names:
            if name in seen:
                problems.append(f"le nom « {name} » est utilisé par plusieurs champs")
            seen.add(name)
        if item.show_if is not None:
            problem = _condition_problem(item, earlier, all_names, inner_names)
            if problem:
                problems.append(problem)
        earlier.setdefault(item.name, item)
    problems += _page_problems(items)
    problems += _summary_problems(items)
    return list(dict.fromkeys(problems))


def _what(item: Any) -> str:
    return f"{_OF.get(item.type, 'du champ')} « {item.name} »"


def _condition_problem(
    item: Any, earlier: dict[str, Any], all_names: set[str], inner_names: set[str]
) -> str:
    target = item.show_if.field
    what = f"la condition {_what(item)}"
    if target == item.name:
        return f"{what} porte sur lui-même : un élément ne peut pas dépendre de lui-même"
    if target in inner_names:
        return (
            f"{what} porte sur « {target} », un champ d’un bloc répétable, qui ne peut pas "
            "servir de condition"
        )
    if target not in earlier:
        if target in all_names:
            return (
                f"{what} porte sur un champ placé après lui « {target} » : "
                f"déplacez « {target} » avant"
            )
        return f"{what} porte sur un champ inconnu « {target} » (supprimé ou renommé ?)"
    controller = earlier[target]
    if controller.type not in CONDITIONABLE:
        return (
            f"{what} porte sur « {target} », de type {controller.type}, qui ne peut pas servir "
            f"de condition (types possibles : {', '.join(CONDITIONABLE)})"
        )
    if controller.type in ("choice", "multiple_choice"):
        unknown = [str(v) for v in item.show_if.expected if str(v) not in controller.values]
        if unknown:
            return f"{what} attend des valeurs absentes des choix de « {target} » : " + ", ".join(
                unknown
            )
    return ""


def _page_problems(items: list[Any]) -> list[str]:
    pages = [index for index, item in enumerate(items) if item.type == "page"]
    if not pages:
        return []
    problems = []
    if pages[0] != 0:
        problems.append(
            f"le formulaire a des pages : il doit commencer par une page (ici « {items[0].name} »"
            " vient avant la première page)"
        )
    for index in pages:
        following = items[index + 1 : index + 2]
        if not following or following[0].type == "page":
            problems.append(f"la page « {items[index].name} » ne contient aucun champ")
    return problems


def _summary_problems(items: list[Any]) -> list[str]:
    summaries = [item for item in items if item.summary]
    if len(summaries) > 1:
        names = ", ".join(f"« {item.name} »" for item in summaries)
        return [f"un seul champ peut résumer la demande (« summary ») : {names}"]
    if summaries and summaries[0].type not in SUMMARY_TYPES:
        return [
            f"le champ « {summaries[0].name} », de type {summaries[0].type}, ne peut pas "
            "résumer la demande (« summary ») : seuls un texte ou un choix le peuvent, "
            "jamais une donnée personnelle"
        ]
    return []


class FormDefinition(_Strict):
    # Every item in order: fields, sections, pages and repeatable blocks.
    fields: list[FormItem] = []

    @model_validator(mode="after")
    def _across_items(self) -> FormDefinition:
        problems = structure_problems(self.fields)
        if problems:
            raise ValueError(" ; ".join(problems))
        return self

    @property
    def questions(self) -> list[Any]:
        """The items that are answered: fields and repeatable blocks (no section, no page)."""
        return [item for item in self.fields if item.type not in ("section", "page")]

    @property
    def has_pages(self) -> bool:
        return any(item.type == "page" for item in self.fields)

    @property
    def summary_field(self) -> Any:
        """The field declared as the request's summary, if any."""
        return next((field for field in self.fields if field.summary), None)

    def summary_of(self, answers: dict[str, Any]) -> str:
        """The one line that says what a request asks, from its checked answers: the declared
        summary field's answer (a choice by its label), else the description (a text field
        named as in DESCRIPTION_NAMES, or the `description` an API keeps beside a form without
        one), else "". Never any other answer: the first free text of a form is often a first
        name or a surname."""
        declared = self.summary_field
        candidates: list[Any] = [declared] if declared is not None else []
        by_name = {field.name: field for field in self.fields}
        candidates += [by_name.get(name, name) for name in DESCRIPTION_NAMES]
        for field in candidates:
            if isinstance(field, str):  # not a field of this form
                text = _as_text(None, answers.get(field)) if field == "description" else ""
            elif field.type in SUMMARY_TYPES:
                text = _as_text(field, answers.get(field.name))
            else:
                continue
            if text:
                return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"
        return ""

    def field(self, name: str) -> Any:
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(name)

    @property
    def labels(self) -> dict[str, str]:
        return {field.name: field.label for field in self.fields}

    def to_json(self) -> list[dict[str, Any]]:
        """The compact JSON stored in `Service.form_definition` (defaults left out)."""
        return [_compact(item) for item in self.fields]


def _compact(item: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": item.name,
        "label": item.label,
        "type": item.type,
    } | item.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    if item.type == "repeat":
        data["fields"] = [_compact(inner) for inner in item.fields]
    return data


def _as_text(field: Any, value: Any) -> str:
    """An answer as one line of text: choices by their labels."""
    if field is not None and field.type in ("choice", "multiple_choice"):
        labels = {choice.value: choice.label for choice in field.choices}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in values if v not in (None, ""))
    return " ".join(value.split()) if isinstance(value, str) else ""
