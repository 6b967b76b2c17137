"""What the public and admin pages show of a published file: the schema's columns and the
first rows of the CSV, read from the files themselves (never the whole file)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from itertools import islice

from guichet.opendata.models import Publication, PublicationFile
from guichet.opendata.selectors import file_path

PREVIEW_ROWS = 5
MAX_SCHEMA_BYTES = 1_000_000
MAX_CELL = 80  # characters shown per cell


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class Preview:
    header: list[str]
    rows: list[list[str]]


def file_of(publication: Publication | None, fmt: str) -> PublicationFile | None:
    if publication is None:
        return None
    return next((f for f in publication.files.all() if f.format == fmt), None)


def schema_columns(publication: Publication | None) -> list[Column]:
    """The Table Schema's fields (name, type, description); empty when it cannot be read."""
    file = file_of(publication, "schema")
    if file is None:
        return []
    try:
        path = file_path(file)
        if path.stat().st_size > MAX_SCHEMA_BYTES:
            return []
        schema = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not isinstance(fields, list):
        return []
    return [
        Column(
            name=str(f.get("name", "")),
            type=str(f.get("type", "")),
            description=str(f.get("description") or f.get("title") or ""),
        )
        for f in fields
        if isinstance(f, dict)
    ]


def first_rows(publication: Publication | None, count: int = PREVIEW_ROWS) -> Preview | None:
    """The header and first `count` rows of the publication's CSV (None without one)."""
    file = file_of(publication, "csv")
    if file is None:
        return None
    try:
        with file_path(file).open("rb") as handle:
            text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
            reader = csv.reader(text)
            header = next(reader, [])
            rows = [[_short(cell) for cell in row] for row in islice(reader, count)]
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    return Preview(header=header, rows=rows)


def _short(cell: str) -> str:
    return cell if len(cell) <= MAX_CELL else cell[: MAX_CELL - 1] + "…"
