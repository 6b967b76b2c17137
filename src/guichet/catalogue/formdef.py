"""The typed form definition stored in `Service.form_definition` (a JSON list of fields).

    [{"name": "telephone", "label": "Téléphone", "type": "phone", "required": true},
     {"name": "motif", "label": "Motif", "type": "choice",
      "choices": [{"value": "bruit", "label": "Bruit"}, {"value": "autre", "label": "Autre"}]},
     {"name": "precisions", "label": "Précisions", "type": "long_text",
      "show_if": {"field": "motif", "equals": "autre"}}]

`parse_form_definition()` turns that JSON into a `FormDefinition` or raises
`InvalidFormDefinition` with French messages an administrator can act on.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

FIELD_TYPES = (
    "short_text",
    "long_text",
    "number",
    "date",
    "choice",
    "multiple_choice",
    "email",
    "phone",
    "address",
    "location",
    "file",
    "checkbox",
)

# Kinds recognised from the file's content (magic bytes), with the MIME types they map to.
FILE_KINDS: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "heic": "image/heic",
}
FileKind = Literal["pdf", "png", "jpeg", "webp", "heic"]

# WGS84 boxes covering metropolitan France, Corsica and the overseas départements and
# collectivities; a point outside every box is not in France.
FRANCE_BOXES: tuple[tuple[float, float, float, float], ...] = (
    # (min_lat, min_lon, max_lat, max_lon)
    (41.2, -5.5, 51.3, 9.9),  # metropolitan France and Corsica
    (15.8, -61.9, 16.6, -60.9),  # Guadeloupe
    (17.8, -63.2, 18.2, -62.7),  # Saint-Martin, Saint-Barthélemy
    (14.3, -61.3, 14.95, -60.75),  # Martinique
    (2.1, -54.7, 5.9, -51.5),  # Guyane
    (-21.45, 55.2, -20.8, 55.9),  # La Réunion
    (-13.1, 44.9, -12.6, 45.35),  # Mayotte
    (46.7, -56.5, 47.2, -56.1),  # Saint-Pierre-et-Miquelon
    (-23.0, 163.5, -19.5, 168.2),  # Nouvelle-Calédonie
    (-28.0, -155.0, -7.8, -134.0),  # Polynésie française
    (-14.4, -178.3, -13.1, -176.1),  # Wallis-et-Futuna
)

SLUG = r"^[a-z][a-z0-9_]*$"
# The longest free text of a form field that sets no limit: GeoReport v2's `description`
# limit, which Open311, the REST API and the docs promise (docs/api.md, docs/open311.md).
DESCRIPTION_LIMIT = 4000


class InvalidFormDefinition(ValueError):
    """A form definition that cannot be used; `.errors` lists French messages."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("Formulaire invalide : " + " ; ".join(errors))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Choice(_Strict):
    value: Annotated[str, Field(min_length=1, max_length=100)]
    label: Annotated[str, Field(min_length=1, max_length=200)]


class Condition(_Strict):
    """Show a field only when an earlier field equals a value (or one of several)."""

    field: str
    equals: str | int | bool | None = None
    in_: list[str | int | bool] | None = Field(default=None, alias="in")

    @model_validator(mode="after")
    def _exactly_one_test(self) -> Condition:
        if (self.equals is None) == (self.in_ is None):
            raise ValueError("la condition doit avoir soit « equals », soit « in »")
        if self.in_ is not None and not self.in_:
            raise ValueError("la liste « in » de la condition est vide")
        return self

    @property
    def expected(self) -> list[str | int | bool]:
        return [self.equals] if self.in_ is None else list(self.in_)  # type: ignore[list-item]


class _BaseField(_Strict):
    name: Annotated[str, Field(pattern=SLUG, max_length=60)]
    label: Annotated[str, Field(min_length=1, max_length=200)]
    required: bool = False
    help_text: str = ""
    show_if: Condition | None = None
    # This field's answer is the request's summary (the « Objet » agents read in lists).
    summary: bool = False


class _TextRules(_BaseField):
    min_length: Annotated[int, Field(ge=0)] | None = None
    max_length: Annotated[int, Field(ge=1)] | None = None
    pattern: str | None = None
    pattern_message: str = "Le format n’est pas valide."

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as error:
                raise ValueError(f"expression régulière invalide ({error})") from None
        return value

    @model_validator(mode="after")
    def _bounds_ordered(self) -> _TextRules:
        if (
            self.min_length is not None
            and self.max_length is not None
            and self.min_length > self.max_length
        ):
            raise ValueError("min_length est supérieur à max_length")
        return self


class ShortTextField(_TextRules):
    type: Literal["short_text"]
    max_length: Annotated[int, Field(ge=1, le=1000)] | None = 255


class LongTextField(_TextRules):
    type: Literal["long_text"]
    max_length: Annotated[int, Field(ge=1, le=20000)] | None = DESCRIPTION_LIMIT


class AddressField(_BaseField):
    type: Literal["address"]
    max_length: Annotated[int, Field(ge=10, le=1000)] = 300


class EmailField(_BaseField):
    type: Literal["email"]


class PhoneField(_BaseField):
    type: Literal["phone"]


class NumberField(_BaseField):
    type: Literal["number"]
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    integer_only: bool = False

    @model_validator(mode="after")
    def _bounds_ordered(self) -> NumberField:
        for bound in (self.min_value, self.max_value):
            if bound is not None and not bound.is_finite():
                raise ValueError("les bornes doivent être des nombres finis")
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            raise ValueError("min_value est supérieur à max_value")
        return self


class DateField(_BaseField):
    type: Literal["date"]
    min_date: dt.date | None = None
    max_date: dt.date | None = None
    not_in_past: bool = False
    not_in_future: bool = False

    @model_validator(mode="after")
    def _bounds_ordered(self) -> DateField:
        if self.min_date and self.max_date and self.min_date > self.max_date:
            raise ValueError("min_date est postérieure à max_date")
        if self.not_in_past and self.not_in_future:
            raise ValueError("not_in_past et not_in_future ne laissent qu’une date possible")
        return self


class _ChoiceRules(_BaseField):
    choices: Annotated[list[Choice], Field(min_length=1)]

    @field_validator("choices")
    @classmethod
    def _values_unique(cls, choices: list[Choice]) -> list[Choice]:
        values = [choice.value for choice in choices]
        duplicates = sorted({value for value in values if values.count(value) > 1})
        if duplicates:
            raise ValueError("valeurs de choix en double : " + ", ".join(duplicates))
        return choices

    @property
    def values(self) -> list[str]:
        return [choice.value for choice in self.choices]


class ChoiceField(_ChoiceRules):
    type: Literal["choice"]


class MultipleChoiceField(_ChoiceRules):
    type: Literal["multiple_choice"]
    min_selections: Annotated[int, Field(ge=0)] | None = None
    max_selections: Annotated[int, Field(ge=1)] | None = None

    @model_validator(mode="after")
    def _bounds_ordered(self) -> MultipleChoiceField:
        low, high = self.min_selections, self.max_selections
        if low is not None and high is not None and low > high:
            raise ValueError("min_selections est supérieur à max_selections")
        if low is not None and low > len(self.choices):
            raise ValueError("min_selections dépasse le nombre de choix")
        return self


class LocationField(_BaseField):
    """A point on the map (WGS84); always checked to be in France."""

    type: Literal["location"]


class FileField(_BaseField):
    type: Literal["file"]
    allowed_types: Annotated[list[FileKind], Field(min_length=1)] = ["pdf", "png", "jpeg"]
    max_size_mb: Annotated[float, Field(gt=0, le=100)] = 10
    max_files: Annotated[int, Field(ge=1, le=20)] = 1


class CheckboxField(_BaseField):
    """A single box; `required` means it must be ticked (consent, sworn statement)."""

    type: Literal["checkbox"]


FormField = Annotated[
    ShortTextField
    | LongTextField
    | NumberField
    | DateField
    | ChoiceField
    | MultipleChoiceField
    | EmailField
    | PhoneField
    | AddressField
    | LocationField
    | FileField
    | CheckboxField,
    Field(discriminator="type"),
]

# Fields whose cleaned value can be compared with a condition's expected values.
CONDITIONABLE = ("short_text", "number", "choice", "multiple_choice", "checkbox")
# Fields that may summarise a request: what is asked, never who asks or where they live
# (an e-mail, a phone number, an address, a point, a date, a file are personal data or say
# nothing). A free text may still hold a name: the service's designer declares which one.
SUMMARY_TYPES = ("short_text", "long_text", "choice", "multiple_choice")
# Without a declared summary, the first of these fields answered describes the request.
DESCRIPTION_NAMES = ("objet", "titre", "sujet", "description", "message")
SUMMARY_LENGTH = 120


class FormDefinition(_Strict):
    fields: list[FormField] = []

    @model_validator(mode="after")
    def _names_and_conditions(self) -> FormDefinition:
        seen: dict[str, Any] = {}
        for field in self.fields:
            if field.name in seen:
                raise ValueError(f"le nom « {field.name} » est utilisé par plusieurs champs")
            if field.show_if is not None:
                _check_condition(field, seen, all_names={f.name for f in self.fields})
            seen[field.name] = field
        summaries = [field for field in self.fields if field.summary]
        if len(summaries) > 1:
            names = ", ".join(f"« {field.name} »" for field in summaries)
            raise ValueError(f"un seul champ peut résumer la demande (« summary ») : {names}")
        if summaries and summaries[0].type not in SUMMARY_TYPES:
            raise ValueError(
                f"le champ « {summaries[0].name} », de type {summaries[0].type}, ne peut pas "
                "résumer la demande (« summary ») : seuls un texte ou un choix le peuvent, "
                "jamais une donnée personnelle"
            )
        return self

    @property
    def summary_field(self) -> FormField | None:
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

    def field(self, name: str) -> FormField:
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(name)

    @property
    def labels(self) -> dict[str, str]:
        return {field.name: field.label for field in self.fields}

    def to_json(self) -> list[dict[str, Any]]:
        """The compact JSON stored in `Service.form_definition` (defaults left out)."""
        return [
            {"name": field.name, "label": field.label, "type": field.type}
            | field.model_dump(mode="json", by_alias=True, exclude_defaults=True)
            for field in self.fields
        ]


def _as_text(field: Any, value: Any) -> str:
    """An answer as one line of text: choices by their labels."""
    if field is not None and field.type in ("choice", "multiple_choice"):
        labels = {choice.value: choice.label for choice in field.choices}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in values if v not in (None, ""))
    return " ".join(value.split()) if isinstance(value, str) else ""


def _check_condition(field: Any, earlier: dict[str, Any], *, all_names: set[str]) -> None:
    target = field.show_if.field
    if target == field.name:
        raise ValueError(f"le champ « {field.name} » ne peut pas dépendre de lui-même")
    if target not in earlier:
        where = "un champ placé après lui" if target in all_names else "un champ inconnu"
        raise ValueError(f"la condition du champ « {field.name} » porte sur {where} « {target} »")
    controller = earlier[target]
    if controller.type not in CONDITIONABLE:
        raise ValueError(
            f"la condition du champ « {field.name} » porte sur « {target} », "
            f"un champ de type {controller.type} qui ne peut pas servir de condition"
        )
    if controller.type in ("choice", "multiple_choice"):
        unknown = [str(v) for v in field.show_if.expected if str(v) not in controller.values]
        if unknown:
            raise ValueError(
                f"la condition du champ « {field.name} » attend des valeurs absentes des "
                f"choix de « {target} » : {', '.join(unknown)}"
            )


_fields_adapter = TypeAdapter(list[FormField])


def parse_form_definition(data: Any) -> FormDefinition:
    """Parse the JSON list stored on a service (or `{"fields": [...]}`).

    Raises InvalidFormDefinition with one French message per problem.
    """
    if isinstance(data, FormDefinition):
        return data
    if isinstance(data, dict) and set(data) == {"fields"}:
        data = data["fields"]
    if data is None:
        data = []
    if not isinstance(data, list):
        raise InvalidFormDefinition(["le formulaire doit être une liste de champs"])
    try:
        return FormDefinition(fields=_fields_adapter.validate_python(data))
    except ValidationError as error:
        raise InvalidFormDefinition(_french_errors(error, data)) from None


def _french_errors(error: ValidationError, data: list[Any]) -> list[str]:
    messages = []
    for item in error.errors(include_url=False):
        loc = list(item["loc"])
        where = ""
        if loc and isinstance(loc[0], int):
            index = loc.pop(0)
            raw = data[index] if index < len(data) else None
            name = raw.get("name") if isinstance(raw, dict) else None
            where = f"champ n° {index + 1}" + (f" « {name} »" if isinstance(name, str) else "")
            if loc and loc[0] in FIELD_TYPES:
                loc.pop(0)  # the discriminator's branch name adds nothing for a reader
        path = ".".join(str(part) for part in loc)
        messages.append(_prefix(where, path, _french_message(item)))
    return messages


def _prefix(where: str, path: str, message: str) -> str:
    parts = [part for part in (where, f"propriété « {path} »" if path else "") if part]
    return (", ".join(parts) + " : " if parts else "") + message


def _french_message(item: Any) -> str:
    kind = item["type"]
    ctx = item.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", item["msg"]))
    if kind == "union_tag_invalid":
        return f"type de champ inconnu « {ctx.get('tag')} » (types possibles : " + (
            ", ".join(FIELD_TYPES) + ")"
        )
    if kind == "union_tag_not_found":
        return "la propriété « type » est obligatoire"
    known = {
        "missing": "propriété obligatoire manquante",
        "extra_forbidden": "propriété inconnue",
        "string_pattern_mismatch": "seules les minuscules, chiffres et « _ » sont permis, "
        "en commençant par une lettre",
        "string_too_short": "valeur trop courte",
        "string_too_long": "valeur trop longue",
        "too_short": "liste vide ou trop courte",
        "literal_error": f"valeur non permise (valeurs possibles : {ctx.get('expected', '')})",
        "bool_type": "vrai ou faux attendu",
        "bool_parsing": "vrai ou faux attendu",
        "string_type": "texte attendu",
        "list_type": "liste attendue",
        "int_type": "nombre entier attendu",
        "int_parsing": "nombre entier attendu",
        "date_from_datetime_parsing": "date au format AAAA-MM-JJ attendue",
        "date_parsing": "date au format AAAA-MM-JJ attendue",
        "date_type": "date au format AAAA-MM-JJ attendue",
        "decimal_parsing": "nombre attendu",
        "decimal_type": "nombre attendu",
        "model_type": "objet attendu",
        "model_attributes_type": "objet attendu",
        "greater_than_equal": f"valeur au moins égale à {_number(ctx.get('ge'))} attendue",
        "greater_than": f"valeur supérieure à {_number(ctx.get('gt'))} attendue",
        "less_than_equal": f"valeur au plus égale à {_number(ctx.get('le'))} attendue",
    }
    return known.get(kind, item["msg"])


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace(".", ",")
