"""Read and validate a folder in the Etalab format, all of it, before anything is written.

    bundle = read_folder(Path("../shared/data/territory"))

raises `TerritoryDataError` with a French message naming the file and the record. Nothing
here touches the database, so a bad file can never leave a half-imported map.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import shapely.geometry
from pydantic import BaseModel, TypeAdapter, ValidationError

from guichet.territory.schemas import (
    CommuneRecord,
    DepartementRecord,
    IntercommunalityRecord,
    PostcodeRecord,
    RegionRecord,
    TerritoryDataError,
    french_error,
    record_label,
)

REQUIRED = "communes.json"
OPTIONAL = ("regions.json", "departements.json", "epci.json", "ept.json", "codes-postaux.json")
# 2018 boundaries, current or municipal-arrondissement communes, matched by INSEE code.
BOUNDARY_PATTERNS = {
    "communes-*.geojson": "commune-actuelle",
    "arrondissements-*.geojson": "arrondissement-municipal",
}

Record = TypeVar("Record", bound=BaseModel)


@dataclass(frozen=True)
class Boundary:
    code: str
    kind: str
    geometry: dict[str, Any]
    bbox: list[float]
    filename: str


@dataclass
class Bundle:
    """Everything read from one folder; `None` means the file was absent (and is skipped)."""

    source: Path
    communes: list[CommuneRecord]
    regions: list[RegionRecord] | None = None
    departements: list[DepartementRecord] | None = None
    intercommunalities: list[IntercommunalityRecord] | None = None
    postcodes: list[PostcodeRecord] | None = None
    boundaries: list[Boundary] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_folder(source: Path, *, on_file: Callable[[str], None] | None = None) -> Bundle:
    """Validate every file of `source`; `on_file(name)` is called after each file is read."""
    source = Path(source)
    if not source.is_dir():
        raise TerritoryDataError(f"Dossier de données introuvable : {source}")
    if not (source / REQUIRED).is_file():
        raise TerritoryDataError(
            f"{REQUIRED} est introuvable dans {source} : ce fichier est obligatoire"
        )
    notify = on_file or (lambda name: None)

    def optional(name: str, model: type[Record]) -> list[Record] | None:
        if not (source / name).is_file():
            bundle.notes.append(f"{name} absent : ignoré")
            return None
        records = _read_records(source / name, model)
        notify(name)
        return records

    bundle = Bundle(source=source, communes=_read_records(source / REQUIRED, CommuneRecord))
    notify(REQUIRED)
    bundle.regions = optional("regions.json", RegionRecord)
    bundle.departements = optional("departements.json", DepartementRecord)
    epci = optional("epci.json", IntercommunalityRecord)
    ept = optional("ept.json", IntercommunalityRecord)
    if epci is not None or ept is not None:
        bundle.intercommunalities = (epci or []) + (ept or [])
    bundle.postcodes = optional("codes-postaux.json", PostcodeRecord)
    boundary_files = _boundary_files(source)
    if not boundary_files:
        bundle.notes.append("aucun contour geojson/communes-*.geojson : contours ignorés")
    for path, kind in boundary_files:
        bundle.boundaries.extend(_read_boundaries(path, kind))
        notify(f"geojson/{path.name}")
    return bundle


def _load_json(path: Path) -> Any:
    try:
        with path.open("rb") as stream:
            return json.load(stream)
    except json.JSONDecodeError as error:
        raise TerritoryDataError(
            f"{path.name} : JSON invalide (ligne {error.lineno}, colonne {error.colno}) : "
            f"{error.msg}"
        ) from error
    except UnicodeDecodeError as error:
        raise TerritoryDataError(f"{path.name} : le fichier n'est pas en UTF-8") from error
    except OSError as error:
        raise TerritoryDataError(f"{path.name} : lecture impossible ({error})") from error


_adapters: dict[type, TypeAdapter] = {}


def _read_records(path: Path, model: type[Record]) -> list[Record]:
    raw = _load_json(path)
    if not isinstance(raw, list):
        raise TerritoryDataError(f"{path.name} : une liste d'enregistrements est attendue")
    adapter = _adapters.setdefault(model, TypeAdapter(list[model]))
    try:
        return adapter.validate_python(raw)
    except ValidationError as error:
        raise TerritoryDataError(french_error(path.name, raw, error)) from error


def _boundary_files(source: Path) -> list[tuple[Path, str]]:
    folder = source / "geojson"
    return [
        (path, kind)
        for pattern, kind in BOUNDARY_PATTERNS.items()
        for path in sorted(folder.glob(pattern))
    ]


def _read_boundaries(path: Path, kind: str) -> list[Boundary]:
    document = _load_json(path)
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise TerritoryDataError(f"{path.name} : une FeatureCollection GeoJSON est attendue")
    boundaries = []
    for index, feature in enumerate(features):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        properties = properties if isinstance(properties, dict) else {}
        # Paris's arrondissements file names the INSEE code `c_arinsee`, as a number.
        code = properties.get("code", properties.get("c_arinsee"))
        label = record_label(path.name, index, {"code": code} if code is not None else None)
        if code is None:
            raise TerritoryDataError(f"{label} : champ « properties.code » manquant")
        try:
            geometry = feature["geometry"]
            shape = shapely.geometry.shape(geometry)
        except Exception as error:  # shapely raises several types for bad GeoJSON
            raise TerritoryDataError(f"{label} : géométrie illisible ({error})") from error
        if shape.geom_type not in ("Polygon", "MultiPolygon") or shape.is_empty:
            raise TerritoryDataError(
                f"{label} : un Polygon ou MultiPolygon est attendu, reçu {shape.geom_type}"
            )
        boundaries.append(
            Boundary(
                code=str(code),
                kind=kind,
                geometry=geometry,
                bbox=[float(value) for value in shape.bounds],
                filename=path.name,
            )
        )
    return boundaries
