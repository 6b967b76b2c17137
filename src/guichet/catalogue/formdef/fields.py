"""The fields a form definition is made of: one pydantic model per type (see the package's
docstring for the format). Each refuses at definition time what cannot work, in French."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
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
    "siret",
    "rna",
)
# The items that structure a form rather than ask something (catalogue.formdef.structure).
STRUCTURE_TYPES = ("section", "page", "repeat")
ITEM_TYPES = FIELD_TYPES + STRUCTURE_TYPES

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
    pattern: Annotated[str, Field(min_length=1, max_length=500)] | None = None
    # The French message a person reads when the answer does not match (required with a
    # pattern: « Le format n'est pas valide » helps nobody).
    pattern_message: Annotated[str, Field(max_length=300)] = ""

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as error:
                where = f" (erreur au caractère {error.pos + 1})" if error.pos is not None else ""
                raise ValueError(f"expression régulière invalide « {value} »{where}") from None
        return value

    @model_validator(mode="after")
    def _bounds_ordered(self) -> _TextRules:
        if self.pattern is not None and not self.pattern_message.strip():
            raise ValueError(
                f"le champ « {self.name} » a un motif (« pattern ») sans message "
                "(« pattern_message ») : écrivez en français ce que la personne doit saisir, "
                "par exemple « Saisissez une immatriculation au format AB-123-CD. »"
            )
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
    # Shown after the input and with the answer (« m² », « € », « jours »).
    unit: Annotated[str, Field(max_length=20)] = ""

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


class SiretField(_BaseField):
    """A SIRET: 14 digits with a valid Luhn checksum (La Poste's exception included)."""

    type: Literal["siret"]


class RnaField(_BaseField):
    """An association's RNA number: W then 9 digits (2A/2B for Corsica's prefectures)."""

    type: Literal["rna"]


SimpleField = Annotated[
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
    | CheckboxField
    | SiretField
    | RnaField,
    Field(discriminator="type"),
]
