"""Streaming writers: one pass over the batches writes CSV, GeoJSON and Parquet at once.

Each batch (a Polars frame in the schema's column order) is checked against the Table Schema,
then appended to every file; nothing but the current batch is held in memory. CSV is UTF-8,
comma-separated, ISO dates, `true`/`false`; GeoJSON is one FeatureCollection (RFC 7946, WGS84)
whose geometry is a point (`lat`/`long`) or a commune polygon; Parquet is written by row
groups (pyarrow). CSV and GeoJSON are hashed while written; Parquet once closed.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import polars as pl
import pyarrow.parquet as pq

from guichet.opendata import schemas
from guichet.opendata.schemas import Field

# A geometry maker returns, for a batch, one GeoJSON geometry string (or null) per row.
Geometry = Callable[[pl.DataFrame], pl.Series]


@dataclass(frozen=True)
class Written:
    format: str
    path: Path
    byte_size: int
    sha256: str


class _HashingFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.file: BinaryIO = path.open("wb")
        self.hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self.hash.update(data)
        self.size += len(data)

    def close(self, fmt: str) -> Written:
        self.file.close()
        return Written(fmt, self.path, self.size, self.hash.hexdigest())

    def abort(self) -> None:
        self.file.close()


def point_geometry(frame: pl.DataFrame) -> pl.Series:
    """A GeoJSON point from the `lat`/`long` columns (null where they are)."""
    lat, lon = pl.col("lat"), pl.col("long")
    return frame.select(
        pl.when(lat.is_not_null() & lon.is_not_null())
        .then(
            pl.concat_str(
                pl.lit('{"type":"Point","coordinates":['), lon.cast(pl.String), pl.lit(","),
                lat.cast(pl.String), pl.lit("]}"),
            )
        )
        .otherwise(pl.lit("null"))
        .alias("geometry")
    ).to_series()  # fmt: skip


def commune_geometry(boundaries: dict[str, str]) -> Geometry:
    """Geometry maker: the commune's boundary (GeoJSON text by INSEE code)."""

    def make(frame: pl.DataFrame) -> pl.Series:
        return (
            frame["commune_insee"]
            .replace_strict(boundaries, default="null", return_dtype=pl.String)
            .fill_null("null")
        )

    return make


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class TableWriter:
    """Write batches to `<stem>.csv`, `<stem>.geojson` (when `geometry`), `<stem>.parquet`
    and `<stem>.schema.json` in `directory`."""

    def __init__(
        self, directory: Path, stem: str, kind: str, *, geometry: Geometry | None = None
    ) -> None:
        self.fields: list[Field] = schemas.fields_of(kind)
        self.kind, self.geometry = kind, geometry
        self.directory, self.stem = directory, stem
        self.rows = 0
        self.csv = _HashingFile(directory / f"{stem}.csv")
        self.csv.write(",".join(f.name for f in self.fields).encode() + b"\n")
        self.geojson: _HashingFile | None = None
        if geometry is not None:
            self.geojson = _HashingFile(directory / f"{stem}.geojson")
            self.geojson.write(b'{"type":"FeatureCollection","features":[')
        self.arrow_schema = schemas.arrow_schema(self.fields)
        self.parquet_path = directory / f"{stem}.parquet"
        self.parquet = pq.ParquetWriter(self.parquet_path, self.arrow_schema, compression="zstd")

    def write(self, frame: pl.DataFrame) -> None:
        """Check `frame` against the schema (raises SchemaViolation), then append it."""
        if not frame.height:
            return
        schemas.check_batch(self.fields, frame, self.rows + 1)
        buffer = io.BytesIO()  # bytes straight from Polars: no Python string, no re-encoding
        frame.write_csv(buffer, include_header=False, date_format="%Y-%m-%d")
        self.csv.write(buffer.getvalue())
        if self.geojson is not None and self.geometry is not None:
            names = [f.name for f in self.fields]
            features = frame.with_columns(self.geometry(frame).alias("__geometry")).select(
                pl.concat_str(
                    pl.lit('{"type":"Feature","geometry":'), pl.col("__geometry"),
                    pl.lit(',"properties":'), pl.struct(names).struct.json_encode(),
                    pl.lit("}"),
                )
            )  # fmt: skip
            # one feature a line, each followed by ",\n": written as unquoted CSV lines
            buffer = io.BytesIO()
            features.write_csv(
                buffer, include_header=False, quote_style="never", line_terminator=",\n"
            )
            separator = b"\n" if self.rows == 0 else b",\n"
            self.geojson.write(separator + buffer.getvalue()[:-2])
        self.parquet.write_table(frame.to_arrow().cast(self.arrow_schema))
        self.rows += frame.height

    def close(self) -> list[Written]:
        """Finish every file; the schema is written last. Returns what was written."""
        written = [self.csv.close("csv")]
        if self.geojson is not None:
            self.geojson.write(b"\n]}\n")
            written.append(self.geojson.close("geojson"))
        self.parquet.close()
        written.append(
            Written(
                "parquet",
                self.parquet_path,
                self.parquet_path.stat().st_size,
                sha256_of(self.parquet_path),
            )
        )
        schema_path = self.directory / f"{self.stem}.schema.json"
        schema_path.write_text(
            json.dumps(schemas.table_schema(self.kind), ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8",
        )
        written.append(
            Written("schema", schema_path, schema_path.stat().st_size, sha256_of(schema_path))
        )
        return written

    def abort(self) -> None:
        self.csv.abort()
        if self.geojson is not None:
            self.geojson.abort()
        self.parquet.close()


def write_table(
    directory: Path,
    stem: str,
    kind: str,
    batches: Iterable[pl.DataFrame],
    *,
    geometry: Geometry | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Written]:
    """Write every batch (see TableWriter); on any error the partial files are left for the
    caller to delete with their directory, and the error propagates."""
    writer = TableWriter(directory, stem, kind, geometry=geometry)
    try:
        for batch in batches:
            writer.write(batch)
            if progress is not None:
                progress(writer.rows)
    except BaseException:
        writer.abort()
        raise
    return writer.close()
