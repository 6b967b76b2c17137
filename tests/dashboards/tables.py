"""Reading the dashboards' HTML tables back, to compare them with their CSV downloads."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._key: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-table" in attrs:
            self._key = attrs["data-table"]
            self.tables[self._key] = []
        elif self._key and tag == "tr":
            self._row = []
        elif self._row is not None and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._key = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self._key:
            self.tables[self._key].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def html_tables(content: bytes) -> dict[str, list[list[str]]]:
    """{table key: rows (header first)} of every downloadable table on the page."""
    parser = _Tables()
    parser.feed(content.decode())
    return parser.tables


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode())))


def same_cells(rows: list[list[str]]) -> list[list[str]]:
    # The page writes decimals the French way (10,5); the CSV keeps them machine-readable.
    return [[cell.replace(",", ".") for cell in row] for row in rows]
