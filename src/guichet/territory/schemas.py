"""The records of the Etalab "découpage administratif" files, validated with pydantic.

Strict mode on purpose: a code given as a number (`92071` instead of `"92071"`) loses its
leading zero (`01001` → `1001`), so it is rejected rather than coerced.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

CommuneType = Literal[
    "commune-actuelle", "commune-deleguee", "commune-associee", "arrondissement-municipal"
]
IntercommunalityType = Literal["CC", "CA", "CU", "METRO", "EPT", "MET69"]

INSEE_CODE = r"^[0-9][0-9AB][0-9]{3}$"
POSTCODE = r"^[0-9]{5}$"
SIREN = r"^[0-9]{9}$"


class TerritoryDataError(Exception):
    """A data file is absent, unreadable or malformed. The message is French, for users."""


class _Record(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class RegionRecord(_Record):
    code: str = Field(min_length=1, max_length=3)
    nom: str = Field(min_length=1, max_length=120)


class DepartementRecord(_Record):
    code: str = Field(min_length=1, max_length=3)
    nom: str = Field(min_length=1, max_length=120)
    region: str = Field(min_length=1, max_length=3)
    chefLieu: str = Field(default="", max_length=5)


class CommuneRecord(_Record):
    code: str = Field(pattern=INSEE_CODE)
    nom: str = Field(min_length=1, max_length=200)
    type: CommuneType
    departement: str = Field(default="", max_length=3)
    siren: str = Field(default="", max_length=9)
    codesPostaux: list[str] = Field(default_factory=list)
    population: int | None = Field(default=None, ge=0)
    # A delegated or associated commune names its commune nouvelle in `chefLieu`, a
    # municipal arrondissement names its city (Paris, Lyon, Marseille) in `commune`.
    chefLieu: str | None = Field(default=None, pattern=INSEE_CODE)
    commune: str | None = Field(default=None, pattern=INSEE_CODE)

    @property
    def parent_code(self) -> str | None:
        if self.type == "commune-actuelle":
            return None
        return self.chefLieu or self.commune


class MemberRecord(_Record):
    code: str = Field(pattern=INSEE_CODE)
    nom: str = ""


class IntercommunalityRecord(_Record):
    code: str = Field(pattern=SIREN)
    nom: str = Field(min_length=1, max_length=200)
    type: IntercommunalityType
    modeFinancement: str = Field(default="", max_length=8)
    populationTotale: int | None = Field(default=None, ge=0)
    membres: list[MemberRecord]


class PostcodeRecord(_Record):
    codePostal: str = Field(pattern=POSTCODE)
    codeCommune: str = Field(pattern=INSEE_CODE)
    nomCommune: str = Field(min_length=1, max_length=200)
    libelleAcheminement: str = Field(default="", max_length=200)


def record_label(filename: str, index: int, raw: Any) -> str:
    """`communes.json, enregistrement n° 12 (code 92071)`: n° counts from 1, as people do."""
    label = f"{filename}, enregistrement n° {index + 1}"
    if isinstance(raw, dict):
        code = raw.get("code") or raw.get("codeCommune") or raw.get("codePostal")
        if code is not None:
            label += f" (code {code})"
    return label


def french_error(filename: str, records: list[Any], error: ValidationError) -> str:
    """The first problem of a list validation, in French, naming the file and the record."""
    first = error.errors(include_url=False)[0]
    location = list(first["loc"])
    index = location.pop(0) if location and isinstance(location[0], int) else 0
    raw = records[index] if index < len(records) else None
    return f"{record_label(filename, index, raw)} : {_describe(first, location)}"


def _describe(error: dict[str, Any], location: list[Any]) -> str:
    kind = error["type"]
    value = error.get("input")
    if not location:
        return "un objet JSON est attendu"
    field = f"champ « {'.'.join(str(part) for part in location)} »"
    if kind == "missing":
        return f"{field} manquant"
    expected = {
        "string_type": "texte attendu",
        "int_type": "nombre entier attendu",
        "int_parsing": "nombre entier attendu",
        "int_from_float": "nombre entier attendu",
        "list_type": "liste attendue",
        "model_type": "objet attendu",
        "dict_type": "objet attendu",
        "model_attributes_type": "objet attendu",
    }.get(kind)
    if expected:
        return f"{field} : {expected}, reçu {value!r}"
    if kind == "literal_error":
        return f"{field} : valeur {value!r} inconnue (attendu : {error['ctx']['expected']})"
    if kind == "string_pattern_mismatch":
        return f"{field} : valeur {value!r} mal formée"
    if kind == "string_too_short":
        return f"{field} vide"
    if kind == "string_too_long":
        return f"{field} trop long ({len(value)} caractères)"
    if kind == "greater_than_equal":
        return f"{field} : valeur négative {value!r}"
    return f"{field} : valeur {value!r} invalide"
