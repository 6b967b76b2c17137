"""Cut a few départements out of the national files, in the same format.

The demo territory shipped in `territory/data/` is made by

    guichet make-territory-subset ../shared/data/territory src/guichet/territory/data \
        --departements 92,37,45

so the importer reads the shipped subset and the national map with the same code.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from guichet.territory.schemas import TerritoryDataError

LICENCES = ("LICENSE-decoupage-administratif.txt", "LICENSE-codes-postaux.txt")
COORDINATE_DECIMALS = 5  # about one metre: plenty for "which commune is this point in"


def make_subset(source: Path, destination: Path, departements: list[str]) -> dict[str, int]:
    """Write the subset of `source` for `departements` into `destination`; return counts."""
    source, destination = Path(source), Path(destination)
    wanted = set(departements)
    if not (source / "communes.json").is_file():
        raise TerritoryDataError(f"communes.json est introuvable dans {source}")
    communes = [c for c in _load(source / "communes.json") if c.get("departement") in wanted]
    codes = {c["code"] for c in communes}
    counts = {"communes.json": len(communes)}
    files: dict[str, list[Any]] = {"communes.json": communes}

    departement_rows = [d for d in _load_if(source / "departements.json") if d["code"] in wanted]
    regions = {d["region"] for d in departement_rows} | {c["region"] for c in communes}
    files["departements.json"] = departement_rows
    files["regions.json"] = [r for r in _load_if(source / "regions.json") if r["code"] in regions]
    for name in ("epci.json", "ept.json"):
        # Whole member lists, so the demo shows true populations; the importer links only
        # the members present.
        files[name] = [
            group
            for group in _load_if(source / name)
            if any(member["code"] in codes for member in group["membres"])
        ]
    files["codes-postaux.json"] = [
        row for row in _load_if(source / "codes-postaux.json") if row["codeCommune"] in codes
    ]
    destination.mkdir(parents=True, exist_ok=True)
    for name, records in files.items():
        _dump(destination / name, records)
        counts[name] = len(records)

    boundaries = destination / "geojson"
    boundaries.mkdir(exist_ok=True)
    for code in sorted(wanted):
        for path in sorted((source / "geojson").glob(f"communes-{code}-*.geojson")):
            document = _load(path)
            for feature in document["features"]:
                feature["geometry"] = _rounded(feature["geometry"])
            _dump(boundaries / path.name, document)
            counts[f"geojson/{path.name}"] = len(document["features"])
    for licence in LICENCES:
        if (source / licence).is_file():
            shutil.copyfile(source / licence, destination / licence)
    return counts


def _load(path: Path) -> Any:
    with path.open("rb") as stream:
        return json.load(stream)


def _load_if(path: Path) -> list[Any]:
    return _load(path) if path.is_file() else []


def _dump(path: Path, data: Any) -> None:
    # One record per line: small diffs when the subset is regenerated from newer data.
    with path.open("w", encoding="utf-8") as stream:
        if isinstance(data, list):
            stream.write("[\n")
            stream.write(",\n".join(_compact(record) for record in data))
            stream.write("\n]\n")
        else:  # a FeatureCollection: one feature per line
            rest = {key: value for key, value in data.items() if key != "features"}
            head = _compact({**rest, "features": []})[: -len("]}")]
            stream.write(head + "\n")
            stream.write(",\n".join(_compact(feature) for feature in data["features"]))
            stream.write("\n]}\n")


def _compact(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _rounded(geometry: dict[str, Any]) -> dict[str, Any]:
    def walk(value: Any) -> Any:
        if isinstance(value, float):
            return round(value, COORDINATE_DECIMALS)
        if isinstance(value, list):
            return [walk(item) for item in value]
        return value

    return {**geometry, "coordinates": walk(geometry["coordinates"])}
