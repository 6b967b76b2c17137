"""Imports: CSV, Parquet and XES event logs with the standard column names.

A file that cannot be read raises LogFileError with a French message naming the line and
the column, for the manager who brought an old system's export.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from xml.sax.handler import ContentHandler

import polars as pl
from defusedxml.sax import parse as parse_xml

from guichet.journeys.engine import columns as c
from guichet.journeys.engine.log import TIMESTAMP, EventLog, make_log

FORMATS = ("csv", "parquet", "xes")
# Tried in order, each vectorised; the rare leftovers go through datetime.fromisoformat.
_FORMATS = (
    "%Y-%m-%d %H:%M:%S%.f%:z",
    "%Y-%m-%dT%H:%M:%S%.f%:z",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d",
)


class LogFileError(ValueError):
    """An event-log file that cannot be analysed; the message is for the user (French)."""


def format_of(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise LogFileError(
            f"{path.name} : format inconnu « .{suffix} » (attendus : .csv, .parquet, .xes)."
        )
    return suffix


def read_log(path: str | Path) -> EventLog:
    """Read an event log file (format from its extension) into an EventLog."""
    path = Path(path)
    kind = format_of(path)
    if not path.exists():
        raise LogFileError(f"Fichier introuvable : {path}.")
    if kind == "xes":
        frame, first_line = _read_xes(path), None
    elif kind == "csv":
        try:
            frame = pl.read_csv(path, infer_schema=False)
        except (pl.exceptions.PolarsError, UnicodeDecodeError) as error:
            raise LogFileError(f"{path.name} : fichier CSV illisible ({error}).") from error
        first_line = 2  # the header is line 1
    else:
        try:
            frame = pl.read_parquet(path)
        except (pl.exceptions.PolarsError, OSError) as error:
            raise LogFileError(f"{path.name} : fichier Parquet illisible ({error}).") from error
        first_line = 1
    return log_from_frame(frame, name=path.name, first_line=first_line)


def log_from_frame(frame: pl.DataFrame, *, name: str, first_line: int | None = 1) -> EventLog:
    """Map a frame with the standard columns to an EventLog (see columns.py)."""
    missing = [column for column in c.REQUIRED if column not in frame.columns]
    if missing:
        names = ", ".join(f"« {m} »" for m in missing)
        raise LogFileError(
            f"{name} : colonne obligatoire absente : {names} (ligne d'en-tête). "
            f"Colonnes attendues : {', '.join(c.REQUIRED)}."
        )
    line_numbers = (
        frame["_line"]
        if "_line" in frame.columns
        else pl.int_range(frame.height, eager=True) + (first_line or 1)
    )
    for column in (c.CASE_ID, c.ACTIVITY):
        empty = frame[column].cast(pl.String).fill_null("").str.strip_chars() == ""
        if empty.any():
            line = line_numbers.filter(empty)[0]
            raise LogFileError(f"{name}, ligne {line}, colonne « {column} » : valeur vide.")
    timestamps = parse_timestamps(
        frame[c.TIMESTAMP], lines=line_numbers, name=name, column=c.TIMESTAMP
    )
    events = pl.DataFrame(
        {
            "event_id": pl.int_range(frame.height, eager=True, dtype=pl.Int64),
            "case_id": frame[c.CASE_ID].cast(pl.String),
            "activity": frame[c.ACTIVITY].cast(pl.String),
            "timestamp": timestamps,
        }
    )
    optional = {c.RESOURCE: "resource", c.CHANNEL: "channel", **c.GUICHET_EVENT_COLUMNS}
    extra = []
    for source, target in optional.items():
        if source in frame.columns:
            values = frame[source]
            if target == "visible" or target == "satisfaction_resolved":
                values = _booleans(values)
            extra.append(values.alias(target))
    events = events.with_columns(extra) if extra else events
    if "kind" not in events.columns:
        events = events.with_columns(kind=pl.col("activity"), state=pl.col("activity"))
    return make_log(events, _cases(frame, line_numbers, name), origin=name)


def _booleans(values: pl.Series) -> pl.Series:
    if values.dtype == pl.Boolean:
        return values
    return values.cast(pl.String).str.to_lowercase().is_in(["true", "1", "vrai"])


def _cases(frame: pl.DataFrame, lines: pl.Series, name: str) -> pl.DataFrame:
    case_columns = [col for col in frame.columns if col.startswith("case:") and col != c.CASE_ID]
    firsts = frame.with_columns(_line=lines).group_by(c.CASE_ID, maintain_order=True).first()
    cases = pl.DataFrame({"case_id": firsts[c.CASE_ID].cast(pl.String)})
    used = set()
    for target, sources in c.CASE_COLUMNS.items():
        source = next((s for s in sources if s in case_columns), None)
        if source is None:
            continue
        used.add(source)
        values = firsts[source]
        if target in c.CASE_DATES:
            values = parse_timestamps(
                values, lines=firsts["_line"], name=name, column=source, allow_empty=True
            )
        else:
            values = values.cast(pl.String)
        cases = cases.with_columns(values.alias(target))
    others = [firsts[col].cast(pl.String).alias(col) for col in case_columns if col not in used]
    return cases.with_columns(others) if others else cases


def parse_timestamps(
    values: pl.Series, *, lines: pl.Series, name: str, column: str, allow_empty: bool = False
) -> pl.Series:
    """Aware timestamps in UTC; naive ones are read as UTC. LogFileError names the bad line."""
    if values.dtype == pl.Datetime:
        zone = values.dtype.time_zone  # type: ignore[attr-defined]
        values = values.dt.replace_time_zone("UTC") if zone is None else values
        return values.dt.convert_time_zone("UTC").cast(TIMESTAMP)
    text = values.cast(pl.String).str.strip_chars()
    parsed = pl.select(
        pl.coalesce(
            text.str.to_datetime(format=fmt, strict=False, time_zone="UTC", time_unit="us")
            for fmt in _FORMATS
        )
    ).to_series()
    pending = parsed.is_null() & text.is_not_null() & (text != "")
    if pending.any():
        parsed = parsed.scatter(
            pending.arg_true(),
            pl.Series(
                [
                    _iso(value, line, name, column)
                    for value, line in zip(text.filter(pending), lines.filter(pending), strict=True)
                ],
                dtype=TIMESTAMP,
            ),
        )
    if not allow_empty:
        empty = text.is_null() | (text == "")
        if empty.any():
            line = lines.filter(empty)[0]
            raise LogFileError(f"{name}, ligne {line}, colonne « {column} » : horodatage vide.")
    return parsed.alias(column)


def _iso(value: str, line, name: str, column: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise LogFileError(
            f"{name}, ligne {line}, colonne « {column} » : horodatage illisible « {value} » "
            "(attendu : ISO 8601, par exemple 2024-03-05T14:30:00+01:00)."
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class _XesHandler(ContentHandler):
    """Collects `<trace>`/`<event>` attributes into rows, remembering each event's line."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict] = []
        self.trace: dict = {}
        self.event: dict | None = None
        self.depth_in_attribute = 0

    def setDocumentLocator(self, locator):  # noqa: N802 (SAX's name)
        self.locator = locator

    def startElement(self, tag, attrs):  # noqa: N802
        if tag == "trace":
            self.trace = {}
        elif tag == "event":
            self.event = {"_line": self.locator.getLineNumber()}
        elif "key" in attrs and "value" in attrs:
            self.depth_in_attribute += 1
            if self.depth_in_attribute > 1:
                return  # nested attributes (lists, meta) carry nothing we analyse
            key, value = attrs["key"], attrs["value"]
            if self.event is not None:
                self.event[key] = value
            else:
                self.trace["case:" + key] = value
        elif tag in ("list", "container", "values"):
            self.depth_in_attribute += 1

    def endElement(self, tag):  # noqa: N802
        if tag == "event" and self.event is not None:
            self.rows.append({**self.trace, **self.event})
            self.event = None
        elif tag in (
            "string",
            "date",
            "int",
            "float",
            "boolean",
            "id",
            "list",
            "container",
            "values",
        ):
            self.depth_in_attribute = max(0, self.depth_in_attribute - 1)


def _read_xes(path: Path) -> pl.DataFrame:
    handler = _XesHandler()
    try:
        parse_xml(str(path), handler)
    except Exception as error:  # the SAX parser raises several unrelated types
        raise LogFileError(f"{path.name} : fichier XES illisible ({error}).") from error
    if not handler.rows:
        raise LogFileError(f"{path.name} : aucun événement (<event>) dans le fichier XES.")
    return pl.DataFrame(handler.rows, infer_schema_length=None).with_columns(
        pl.exclude("_line").cast(pl.String)
    )
