"""Imports: CSV, Parquet and XES event logs with the standard column names.

Each may be gzip-compressed (`log.xes.gz`, `log.csv.gz`, `log.parquet.gz`), as public
process-mining logs often are: the file is decompressed as it is read, and read alike.

A file that cannot be read raises LogFileError with a French message naming the line and
the column, for the manager who brought an old system's export.
"""

from __future__ import annotations

import gzip
import io
import zlib
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.handler import ContentHandler

import numpy as np
import polars as pl
from defusedxml.sax import parse as parse_xml

from guichet.journeys.engine import columns as c
from guichet.journeys.engine.log import (
    EVENT_SCHEMA,
    TIMESTAMP,
    EventLog,
    case_starts,
    conform,
    sort_order,
    sorted_log,
)

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
    """The log format a file name announces: `csv`, `parquet` or `xes`, gzipped or not."""
    name = path.name.lower()
    if is_gzipped(path):
        name = name.removesuffix(".gz")
    suffix = name.rpartition(".")[2] if "." in name else ""
    if suffix not in FORMATS:
        raise LogFileError(
            f"{path.name} : format inconnu « .{suffix} » (attendus : .csv, .parquet, .xes, "
            "éventuellement compressés en .gz)."
        )
    return suffix


def is_gzipped(path: Path) -> bool:
    return path.name.lower().endswith(".gz")


def read_log(path: str | Path) -> EventLog:
    """Read an event log file (format from its extension, `.gz` or not) into an EventLog."""
    path = Path(path)
    kind = format_of(path)
    if not path.exists():
        raise LogFileError(f"Fichier introuvable : {path}.")
    if kind == "xes":
        return log_from_frame(_read_xes(path), name=path.name, first_line=None)
    if kind == "csv":
        try:
            source = _decompressed(path) if is_gzipped(path) else path
            frame = pl.read_csv(source, infer_schema=False)
        except (pl.exceptions.PolarsError, UnicodeDecodeError) as error:
            raise LogFileError(f"{path.name} : fichier CSV illisible ({error}).") from error
        return log_from_frame(frame, name=path.name, first_line=2)  # the header is line 1
    # Parquet is read lazily, one column at a time: a 10 M-event file never sits in memory
    # whole, and the columns nothing reads (most `case:*` repeats) are never decoded. A gzipped
    # one must be decompressed first (Parquet compresses its pages itself: that is rare).
    try:
        lazy = pl.read_parquet(_decompressed(path)).lazy() if is_gzipped(path) else None
        return _log_from_lazy(
            lazy if lazy is not None else pl.scan_parquet(path), name=path.name, first_line=1
        )
    except (pl.exceptions.PolarsError, OSError) as error:
        raise LogFileError(f"{path.name} : fichier Parquet illisible ({error}).") from error


def _decompressed(path: Path) -> io.BytesIO:
    """The content of a gzipped file, in memory (LogFileError when it is no gzip file)."""
    try:
        with gzip.open(path, "rb") as compressed:
            return io.BytesIO(compressed.read())
    except (gzip.BadGzipFile, EOFError, zlib.error) as error:
        raise LogFileError(f"{path.name} : archive gzip illisible ({error}).") from error


def log_from_frame(frame: pl.DataFrame, *, name: str, first_line: int | None = 1) -> EventLog:
    """Map a frame with the standard columns to an EventLog (see columns.py)."""
    return _log_from_lazy(frame.lazy(), name=name, first_line=first_line)


class _Source:
    """The log's columns, read one by one; line numbers for messages, found only when needed."""

    def __init__(self, frame: pl.LazyFrame, name: str, first_line: int | None) -> None:
        self.frame = frame
        self.name = name
        self.columns = frame.collect_schema().names()
        self.first_line = first_line or 1
        self.height = 0  # known once the case column is read

    def read(self, expr: pl.Expr, *, rechunk: bool = True) -> pl.Series:
        # One chunk: gathering from the ~80 chunks of a 10 M-row Parquet column is 6× slower.
        values = self.frame.select(expr).collect().to_series()
        return values.rechunk() if rechunk else values

    def lines(self, rows: pl.Series) -> pl.Series:
        """The file line of each row index in `rows`."""
        if "_line" in self.columns:
            return self.read(pl.col("_line")).gather(rows)
        return rows.cast(pl.Int64) + self.first_line

    def refuse_empty(self, values: pl.Series, distinct: pl.Series, column: str) -> None:
        """LogFileError naming the first line where `column` is empty (checked on `distinct`)."""
        text = distinct.cast(pl.String)
        if not (values.null_count() or (text.str.strip_chars() == "").any()):
            return
        empty = values.cast(pl.String).fill_null("").str.strip_chars() == ""
        line = self.lines(empty.arg_true().head(1))[0]
        raise LogFileError(f"{self.name}, ligne {line}, colonne « {column} » : valeur vide.")


def _log_from_lazy(frame: pl.LazyFrame, *, name: str, first_line: int | None) -> EventLog:
    source = _Source(frame, name, first_line)
    missing = [column for column in c.REQUIRED if column not in source.columns]
    if missing:
        names = ", ".join(f"« {m} »" for m in missing)
        raise LogFileError(
            f"{name} : colonne obligatoire absente : {names} (ligne d'en-tête). "
            f"Colonnes attendues : {', '.join(c.REQUIRED)}."
        )
    case_id = source.read(pl.col(c.CASE_ID).cast(pl.String))
    source.height = case_id.len()
    activity = source.read(_categorical(c.ACTIVITY, source))
    source.refuse_empty(activity, activity.unique(), c.ACTIVITY)
    timestamps = parse_timestamps(
        source.read(pl.col(c.TIMESTAMP)), lines=source, name=name, column=c.TIMESTAMP
    )
    event_id = pl.int_range(case_id.len(), eager=True, dtype=pl.Int64)
    order = sort_order(case_id, timestamps, event_id)
    source.refuse_empty(case_id, order.distinct, c.CASE_ID)
    del case_id

    def sorted_(values: pl.Series) -> pl.Series:
        return values if order.rows is None else values.gather(order.rows)

    # Built sorted column by column: the unsorted copy of one column at a time, not of all.
    events = {
        "event_id": event_id if order.rows is None else order.rows.cast(pl.Int64),
        "case_id": order.case_id,
        "activity": sorted_(activity),
        "timestamp": sorted_(timestamps),
    }
    del activity, timestamps
    optional = {c.RESOURCE: "resource", c.CHANNEL: "channel", **c.GUICHET_EVENT_COLUMNS}
    # Strings first: their copies (16 bytes a row) are the largest, and memory freed early is
    # reused by the later columns instead of raising the peak.
    for column, target in sorted(optional.items(), key=lambda item: item[1] != "person_id"):
        if column in source.columns:
            events[target] = sorted_(source.read(_typed(column, target, source)).alias(target))
    if "kind" not in events:
        events.update(
            kind=events["activity"].alias("kind"), state=events["activity"].alias("state")
        )
    frame = conform(pl.DataFrame(events), {**EVENT_SCHEMA, "case_id": None}, keep_extra=False)
    # Each case's attributes come from its first event in the file.
    starts = case_starts(order.case_id)
    if order.rows is None:
        first_rows = starts
    else:
        first_rows = pl.Series(np.minimum.reduceat(order.rows.to_numpy(), starts.to_numpy()))
    return sorted_log(frame, _cases(source, first_rows, order.distinct), origin=name)


def _categorical(column: str, source: _Source) -> pl.Expr:
    expr = pl.col(column)
    if source.frame.collect_schema()[column] not in (pl.String, pl.Categorical):
        expr = expr.cast(pl.String)
    return expr.cast(pl.Categorical)


def _typed(column: str, target: str, source: _Source) -> pl.Expr:
    if target in ("visible", "satisfaction_resolved"):
        return _booleans(pl.col(column), source.frame.collect_schema()[column])
    if EVENT_SCHEMA[target] == pl.Categorical:
        return _categorical(column, source)
    return pl.col(column)


def _booleans(values: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if dtype == pl.Boolean:
        return values
    return values.cast(pl.String).str.to_lowercase().is_in(["true", "1", "vrai"])


def _cases(source: _Source, rows: pl.Series, case_ids: pl.Series) -> pl.DataFrame | None:
    """The `case:*` attributes of each case (`case_ids`), from its row at `rows`."""
    case_columns = [col for col in source.columns if col.startswith("case:") and col != c.CASE_ID]
    if not case_columns:
        return None
    # Each column is filtered down to those rows (in file order, chunk by chunk: no copy of the
    # whole column), then put in the cases' order.
    in_file_order = np.sort(rows.to_numpy())
    keep = np.zeros(source.height, dtype=bool)
    keep[in_file_order] = True
    kept = pl.Series(keep)
    place = pl.Series(np.searchsorted(in_file_order, rows.to_numpy()))

    def values_of(column: str) -> pl.Series:
        values = source.read(pl.col(column), rechunk=False)
        return values.filter(kept).rechunk().gather(place)

    cases = pl.DataFrame({"case_id": case_ids})
    used = set()
    for target, names in c.CASE_COLUMNS.items():
        column = next((s for s in names if s in case_columns), None)
        if column is None:
            continue
        used.add(column)
        values = values_of(column)
        if target in c.CASE_DATES:
            values = parse_timestamps(
                values,
                lines=_Lines(source, rows),
                name=source.name,
                column=column,
                allow_empty=True,
            )
        else:
            values = values.cast(pl.String)
        cases = cases.with_columns(values.alias(target))
    others = [values_of(col).cast(pl.String).alias(col) for col in case_columns if col not in used]
    return cases.with_columns(others) if others else cases


class _Lines:
    """The lines of a subset of the file's rows."""

    def __init__(self, source: _Source, rows: pl.Series) -> None:
        self.source, self.rows = source, rows

    def lines(self, rows: pl.Series) -> pl.Series:
        return self.source.lines(self.rows.gather(rows))


def parse_timestamps(
    values: pl.Series, *, lines, name: str, column: str, allow_empty: bool = False
) -> pl.Series:
    """Aware timestamps in UTC; naive ones are read as UTC. LogFileError names the bad line.

    `lines.lines(rows)` gives the file line of row indexes (only asked for on bad values).
    """
    if values.dtype == pl.Datetime:
        zone = values.dtype.time_zone  # type: ignore[attr-defined]
        values = values.dt.replace_time_zone("UTC") if zone is None else values
        return values.dt.convert_time_zone("UTC").cast(TIMESTAMP).alias(column)
    text = values.cast(pl.String).str.strip_chars()
    parsed = pl.select(
        pl.coalesce(
            text.str.to_datetime(format=fmt, strict=False, time_zone="UTC", time_unit="us")
            for fmt in _FORMATS
        )
    ).to_series()
    pending = parsed.is_null() & text.is_not_null() & (text != "")
    if pending.any():
        rows = pending.arg_true()
        parsed = parsed.scatter(
            rows,
            pl.Series(
                [
                    _iso(value, line, name, column)
                    for value, line in zip(text.gather(rows), lines.lines(rows), strict=True)
                ],
                dtype=TIMESTAMP,
            ),
        )
    if not allow_empty:
        empty = text.is_null() | (text == "")
        if empty.any():
            line = lines.lines(empty.arg_true().head(1))[0]
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
        if is_gzipped(path):
            with gzip.open(path, "rb") as compressed:  # streamed: never whole in memory
                parse_xml(compressed, handler)
        else:
            parse_xml(str(path), handler)
    except LogFileError:
        raise
    except Exception as error:  # the SAX parser raises several unrelated types
        raise LogFileError(f"{path.name} : fichier XES illisible ({error}).") from error
    if not handler.rows:
        raise LogFileError(f"{path.name} : aucun événement (<event>) dans le fichier XES.")
    return pl.DataFrame(handler.rows, infer_schema_length=None).with_columns(
        pl.exclude("_line").cast(pl.String)
    )
