"""The Frictionless Table Schema of every data set kind, and the check every row passes.

A schema is a list of `Field`s; `table_schema(kind)` is the JSON document published beside the
files (https://specs.frictionlessdata.io/table-schema/). `check_batch` validates a batch of
rows (a Polars frame, the writers' unit) against the fields before it is written: the first
violation raises `SchemaViolation` with the column and the 1-based data row number, and the
publication is not published. The check is vectorised (one expression per constraint), so it
costs little even on a million rows.

Column names follow the Open311 GeoReport (Bulk) vocabulary where it has one
(`service_request_id`, `service_code`, `service_name`, `agency_responsible`, `lat`, `long`,
`expected_datetime` → `expected_date`, `parent_service_request_id`); dates are days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl
import pyarrow as pa

INSEE_PATTERN = "^[0-9][0-9AB][0-9]{3}$"
SIREN_PATTERN = "^[0-9]{9}$"
H3_PATTERN = "^[0-9a-f]{15}$"
MONTH_PATTERN = "^[0-9]{4}-(0[1-9]|1[0-2])$"

_POLARS = {
    "string": pl.String(),
    "integer": pl.Int64(),
    "number": pl.Float64(),
    "boolean": pl.Boolean(),
    "date": pl.Date(),
    "yearmonth": pl.String(),
}
_ARROW = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "yearmonth": pa.string(),
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    title: str
    description: str = ""
    required: bool = False
    enum: tuple[str, ...] = ()
    pattern: str = ""
    minimum: float | None = None
    maximum: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def descriptor(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type, "title": self.title}
        if self.description:
            out["description"] = self.description
        if self.type == "date":
            out["format"] = "default"  # ISO 8601, YYYY-MM-DD
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if self.pattern:
            constraints["pattern"] = self.pattern
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if self.maximum is not None:
            constraints["maximum"] = self.maximum
        if constraints:
            out["constraints"] = constraints
        return out | self.extra


class SchemaViolation(Exception):
    """A row that does not satisfy the data set's Table Schema."""

    def __init__(self, column: str, row: int, message: str) -> None:
        self.column, self.row, self.message = column, row, message
        super().__init__(f"colonne « {column} », ligne {row} : {message}")


def _service_fields() -> list[Field]:
    return [
        Field("service_code", "string", "Code du service", required=True),
        Field("service_name", "string", "Nom du service", required=True),
        Field("service_category", "string", "Catégorie du service"),
    ]


def _agency_fields() -> list[Field]:
    return [
        Field(
            "agency_responsible", "string", "Collectivité responsable", required=True,
            description="la collectivité qui traite la demande",
        ),
        Field("agency_siren", "string", "SIREN de la collectivité", pattern=SIREN_PATTERN),
    ]  # fmt: skip


def _place_fields() -> list[Field]:
    return [
        Field("commune_insee", "string", "Code INSEE de la commune", pattern=INSEE_PATTERN),
        Field("epci_siren", "string", "SIREN de l'intercommunalité", pattern=SIREN_PATTERN),
    ]


REQUESTS = [
    Field(
        "service_request_id", "string", "Référence de la demande", required=True,
        extra={"rdfType": "http://schema.org/identifier"},
    ),
    Field("requested_date", "date", "Reçue le", required=True),
    Field("updated_date", "date", "Mise à jour le"),
    Field("closed_date", "date", "Traitée le"),
    Field(
        "status", "string", "Statut (Open311)", required=True, enum=("open", "closed"),
        description="open : en cours ; closed : traitée ou annulée",
    ),
    Field(
        "generic_status", "string", "Statut détaillé", required=True,
        enum=("ongoing", "action_needed", "done", "cancelled"),
        description="ongoing : en cours ; action_needed : action attendue de l'usager ; "
        "done : traitée ; cancelled : annulée",
    ),
    *_service_fields(),
    *_agency_fields(),
    Field("channel", "string", "Canal de dépôt", required=True),
    *_place_fields(),
    Field(
        "h3_cell", "string", "Cellule H3 du lieu", pattern=H3_PATTERN,
        description="la cellule de la grille H3 la plus fine qui contient au moins k demandes "
        "publiées ; vide : le lieu n'est donné qu'à la commune",
    ),
    Field("h3_resolution", "integer", "Résolution de la cellule H3", minimum=0, maximum=15),
    Field("lat", "number", "Latitude du centre de la cellule", minimum=-90, maximum=90),
    Field("long", "number", "Longitude du centre de la cellule", minimum=-180, maximum=180),
    Field("sla_working_days", "integer", "Délai promis (jours ouvrés)", minimum=0),
    Field("expected_date", "date", "Échéance"),
    Field(
        "on_time", "boolean", "Traitée dans le délai promis",
        description="vide : pas d'échéance, ou demande en cours encore dans les délais",
    ),
    Field(
        "parent_service_request_id", "string", "Référence de la demande principale",
        description="renseignée quand la demande a été fusionnée comme doublon",
    ),
]  # fmt: skip

SERVICES_DELAYS = [
    *_agency_fields(),
    *_service_fields(),
    Field("promise_working_days", "integer", "Délai promis (jours ouvrés)", minimum=0),
    Field("month", "yearmonth", "Mois de réception", required=True, pattern=MONTH_PATTERN),
    *_place_fields(),
    Field("requests_received", "integer", "Demandes reçues", required=True, minimum=0),
    Field("requests_resolved", "integer", "Demandes traitées", required=True, minimum=0),
    Field("resolved_on_time", "integer", "Traitées dans le délai promis", minimum=0),
    Field("on_time_rate", "number", "Part traitée dans le délai promis", minimum=0, maximum=1),
    Field("median_days", "number", "Délai médian de traitement (jours)", minimum=0),
    Field("p90_days", "number", "Délai de traitement de 9 demandes sur 10 (jours)", minimum=0),
]

SATISFACTION = [
    *_agency_fields(),
    *_service_fields(),
    Field("month", "yearmonth", "Mois de la réponse", required=True, pattern=MONTH_PATTERN),
    Field("answers", "integer", "Réponses au questionnaire", required=True, minimum=0),
    Field("resolved_rate", "number", "Part « résolu »", minimum=0, maximum=1),
    Field("mean_score", "number", "Note moyenne (1 à 5)", minimum=1, maximum=5),
    Field("reopened", "integer", "Demandes rouvertes après réponse", minimum=0),
]

JOURNEY_RATES = (
    "repeat_contact", "contact_burst", "first_contact_resolution", "long_silence",
    "deadline_breached", "rework", "ping_pong", "channel_switch", "reopened", "abandoned",
    "dissatisfied",
)  # fmt: skip
_RATE_TITLES = {
    "repeat_contact": "relance",
    "contact_burst": "relances en rafale",
    "first_contact_resolution": "résolution au premier contact",
    "long_silence": "long silence",
    "deadline_breached": "échéance dépassée",
    "rework": "retour en arrière",
    "ping_pong": "renvois entre équipes",
    "channel_switch": "changement de canal",
    "reopened": "réouverture",
    "abandoned": "abandon",
    "dissatisfied": "insatisfaction",
}

JOURNEYS = [
    *_agency_fields(),
    *_service_fields(),
    Field("month", "yearmonth", "Mois de réception", required=True, pattern=MONTH_PATTERN),
    Field("cases", "integer", "Demandes", required=True, minimum=0),
    Field("lead_time_median_days", "number", "Durée médiane (jours)", minimum=0),
    *(
        Field(f"{name}_rate", "number", f"Taux : {_RATE_TITLES[name]}", minimum=0, maximum=1)
        for name in JOURNEY_RATES
    ),
]

FIELDS: dict[str, list[Field]] = {
    "requests": REQUESTS,
    "services-delays": SERVICES_DELAYS,
    "satisfaction": SATISFACTION,
    "journeys": JOURNEYS,
}


def fields_of(kind: str) -> list[Field]:
    return FIELDS[kind]


def table_schema(kind: str) -> dict[str, Any]:
    """The Table Schema document of a data set kind."""
    fields = fields_of(kind)
    schema: dict[str, Any] = {
        "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
        "fields": [f.descriptor() for f in fields],
        "missingValues": [""],
    }
    if kind == "requests":
        schema["primaryKey"] = ["service_request_id"]
    return schema


def polars_schema(fields: list[Field]) -> dict[str, pl.DataType]:
    return {f.name: _POLARS[f.type] for f in fields}


def arrow_schema(fields: list[Field]) -> pa.Schema:
    return pa.schema([pa.field(f.name, _ARROW[f.type], nullable=not f.required) for f in fields])


def _first(mask: pl.Series) -> int | None:
    """Index of the first True in a boolean series (nulls are not violations)."""
    hits = mask.fill_null(False).arg_true()
    return int(hits[0]) if len(hits) else None


def _violations(f: Field) -> list[tuple[pl.Expr, str]]:
    """(expression true on a violating row, message) for each constraint of a field."""
    column = pl.col(f.name)
    checks: list[tuple[pl.Expr, str]] = []
    if f.required:
        checks.append((column.is_null(), "valeur obligatoire absente"))
    if f.enum:
        checks.append(
            (~column.is_in(list(f.enum)), "valeur hors de la liste : " + ", ".join(f.enum))
        )
    if f.pattern and f.type in ("string", "yearmonth"):
        checks.append((~column.str.contains(f.pattern), f"format attendu : {f.pattern}"))
    if f.minimum is not None:
        checks.append((column < f.minimum, f"valeur inférieure au minimum {f.minimum:g}"))
    if f.maximum is not None:
        checks.append((column > f.maximum, f"valeur supérieure au maximum {f.maximum:g}"))
    if f.type == "number":
        checks.append((column.is_nan() | column.is_infinite(), "nombre non fini"))
    return checks


def check_batch(fields: list[Field], frame: pl.DataFrame, first_row: int) -> None:
    """Raise SchemaViolation for the first cell of `frame` that breaks `fields`; `first_row`
    is the 1-based number of the frame's first row in the whole table.

    Every constraint of every column is evaluated in one Polars query (one boolean per
    constraint: any violating row?); only a failing batch is then walked column by column to
    find the first violating cell."""
    names = [f.name for f in fields]
    if frame.columns == names and all(frame.schema[f.name] == _POLARS[f.type] for f in fields):
        flags = [
            mask.fill_null(False).any().alias(f"{i}")
            for i, (mask, _message) in enumerate(m for f in fields for m in _violations(f))
        ]
        if not flags or not any(frame.select(flags).row(0)):
            return
    if frame.columns != names:
        missing = [n for n in names if n not in frame.columns]
        extra = [n for n in frame.columns if n not in names]
        column = (missing or extra or [names[0]])[0]
        raise SchemaViolation(column, first_row, "colonnes différentes du schéma")
    for f in fields:
        column = frame[f.name]
        expected = _POLARS[f.type]
        if column.dtype != expected and column.dtype != pl.Null:
            cast = column.cast(expected, strict=False)
            bad = _first(cast.is_null() & column.is_not_null())
            raise SchemaViolation(
                f.name, first_row + (bad or 0), f"type attendu : {f.type}, reçu {column.dtype}"
            )
        checks = [(frame.select(mask).to_series(), message) for mask, message in _violations(f)]
        for mask, message in checks:
            bad = _first(mask)
            if bad is not None:
                raise SchemaViolation(f.name, first_row + bad, message)
