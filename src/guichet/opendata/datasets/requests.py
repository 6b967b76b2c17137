"""The requests data set: one row per request, anonymised by construction.

Two passes over the requests, each streamed in chunks (a server-side cursor on PostgreSQL):

1. narrow columns only (id, service, commune, reception month, precise point): the rare
   (service, commune, month) groups are found and the published H3 cell of every other row
   is computed (`anonymise.generalise_cells`). What stays in memory is a few integer arrays
   (about 40 bytes a request), never the table.
2. the published columns, chunk by chunk: each row finds its cell by binary search on the
   sorted ids of pass 1; a row absent from pass 1 (filed in between) or suppressed is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC

import numpy as np
import polars as pl
from django.utils import timezone

from guichet.cases.models import PublicStatus, Request
from guichet.opendata import anonymise
from guichet.opendata.datasets import (
    CHUNK,
    Build,
    Stats,
    authority_table,
    commune_table,
    lookup,
    paris_day,
    published_requests,
    service_table,
    stream_frames,
)
from guichet.opendata.schemas import REQUESTS, polars_schema
from guichet.opendata.writers import point_geometry

_UTC = pl.Datetime("us", "UTC")
_PASS_ONE = {
    "id": pl.Int64(), "service_id": pl.Int64(), "commune_id": pl.Int64(), "received_at": _UTC,
    "latitude": pl.Float64(), "longitude": pl.Float64(),
}  # fmt: skip
_PASS_TWO = {
    "id": pl.Int64(), "reference": pl.String(), "received_at": _UTC, "updated_at": _UTC,
    "resolved_at": _UTC, "closed_at": _UTC, "due_at": _UTC, "public_status": pl.String(),
    "service_id": pl.Int64(), "authority_id": pl.Int64(), "channel": pl.String(),
    "commune_id": pl.Int64(), "duplicate_of_id": pl.Int64(),
}  # fmt: skip
_CLOSED = (PublicStatus.DONE.value, PublicStatus.CANCELLED.value)


class Plan:
    """Pass 1: which rows are published, and with which cell."""

    def __init__(self, authority_ids: list[int] | None, k: int, chunk: int) -> None:
        ids, keys, cells, communes = [], [], [], []
        frames = stream_frames(published_requests(authority_ids).order_by("id"), _PASS_ONE, chunk)
        for frame in frames:
            ids.append(frame["id"].to_numpy())
            commune_ids = frame["commune_id"].fill_null(0).to_numpy()
            services = frame["service_id"].to_numpy()
            paris = frame["received_at"].dt.convert_time_zone("Europe/Paris")
            months = (paris.dt.year().cast(pl.Int64) * 12 + paris.dt.month()).to_numpy()
            # one integer per (service, commune, month) group: 20 + 26 + 17 bits
            keys.append((services << 43) | (commune_ids << 17) | months)
            communes.append(commune_ids)
            cells.append(anonymise.cells_of(frame["latitude"], frame["longitude"]))
        self.total = int(sum(len(i) for i in ids))
        all_ids = np.concatenate(ids) if ids else np.zeros(0, np.int64)
        all_keys = np.concatenate(keys) if keys else np.zeros(0, np.int64)
        fine = np.concatenate(cells) if cells else np.zeros(0, np.uint64)
        all_communes = np.concatenate(communes) if communes else np.zeros(0, np.int64)
        del ids, keys, cells, communes
        _unique, inverse, counts = np.unique(all_keys, return_inverse=True, return_counts=True)
        kept = counts[inverse] >= k
        self.suppressed = int((~kept).sum())
        published = anonymise.generalise_cells(np.where(kept, fine, 0), k)
        self.ids = all_ids[kept]
        self.cells = published[kept]
        self.commune_ids = np.unique(all_communes[kept])

    def locate(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(published mask, cell) for these request ids."""
        if not len(self.ids):
            return np.zeros(len(ids), bool), np.zeros(len(ids), np.uint64)
        at = np.minimum(np.searchsorted(self.ids, ids), len(self.ids) - 1)
        found = self.ids[at] == ids
        return found, np.where(found, self.cells[at], 0)

    def contains(self, ids: np.ndarray) -> np.ndarray:
        return self.locate(ids)[0]


def build(authority_ids: list[int] | None, k: int, *, chunk: int = CHUNK) -> Build:
    stats = Stats()
    return Build(
        kind="requests",
        batches=_batches(authority_ids, k, chunk, stats),
        stats=stats,
        geometry=point_geometry,
    )


def _cell_columns(cells: np.ndarray, cache: dict[int, tuple]) -> list[pl.Series]:
    """h3_cell, h3_resolution, lat, long of each row's published cell (null: none), looked up
    per distinct cell (a few thousand) rather than per row."""
    for cell in np.unique(cells).tolist():
        if cell and cell not in cache:
            lat, lon = anonymise.cell_centre(cell)
            cache[cell] = (anonymise.cell_hex(cell), anonymise.cell_resolution(cell), lat, lon)
    column = pl.Series("cell", cells.astype(np.int64), dtype=pl.Int64)
    out = []
    for index, (name, dtype) in enumerate(
        (("h3_cell", pl.String()), ("h3_resolution", pl.Int64()), ("lat", pl.Float64()),
         ("long", pl.Float64()))
    ):  # fmt: skip
        mapping = {c: v[index] for c, v in cache.items()}
        out.append(column.replace_strict(mapping, default=None, return_dtype=dtype).alias(name))
    return out


def _batches(
    authority_ids: list[int] | None, k: int, chunk: int, stats: Stats
) -> Iterator[pl.DataFrame]:
    plan = Plan(authority_ids, k, chunk)
    stats.total, stats.suppressed = plan.total, plan.suppressed
    services, authorities = service_table(), authority_table()
    communes = commune_table(plan.commune_ids.tolist())
    stats.communes = {code for code, _epci in communes.values()}
    now = timezone.now().astimezone(UTC)
    cell_cache: dict[int, tuple] = {}
    last = int(plan.ids[-1]) if len(plan.ids) else 0
    frames = stream_frames(
        published_requests(authority_ids).filter(id__lte=last).order_by("id"), _PASS_TWO, chunk
    )
    names = [f.name for f in REQUESTS]
    published = _published_columns(services, authorities, communes, now)
    for raw in frames:
        found, cells = plan.locate(raw["id"].to_numpy())
        raw = raw.filter(pl.Series(found))
        if not raw.height:
            continue
        cells = cells[found]
        parents = _parent_references(raw, plan)
        frame = raw.with_columns(
            pl.col("duplicate_of_id")
            .replace_strict(parents, default=None, return_dtype=pl.String)
            .alias("parent_service_request_id"),
        ).with_columns(_cell_columns(cells, cell_cache))
        frame = frame.select(published)
        frame = frame.select(names).cast(polars_schema(REQUESTS))
        stats.see_period(frame["requested_date"].min(), frame["requested_date"].max())
        levels = stats.location_levels
        cells_published = frame["h3_cell"].is_not_null().sum()
        levels["h3"] = levels.get("h3", 0) + int(cells_published)
        levels["commune"] = levels.get("commune", 0) + frame.height - int(cells_published)
        yield frame


def _published_columns(services: dict, authorities: dict, communes: dict, now) -> list[pl.Expr]:
    """The published columns from a pass-two frame (with its cell columns), built once: the
    lookups' mappings are not rebuilt for every batch."""
    closed = pl.col("public_status").is_in(_CLOSED)
    finished = pl.coalesce("resolved_at", "closed_at")
    return [
        pl.col("reference").alias("service_request_id"),
        paris_day("received_at").alias("requested_date"),
        paris_day("updated_at").alias("updated_date"),
        pl.when(closed).then(finished).dt.convert_time_zone("Europe/Paris").dt.date()
        .alias("closed_date"),
        pl.when(closed).then(pl.lit("closed")).otherwise(pl.lit("open")).alias("status"),
        pl.col("public_status").alias("generic_status"),
        lookup("service_id", services, 0, pl.String).alias("service_code"),
        lookup("service_id", services, 1, pl.String).alias("service_name"),
        lookup("service_id", services, 2, pl.String).alias("service_category"),
        lookup("authority_id", authorities, 0, pl.String).alias("agency_responsible"),
        lookup("authority_id", authorities, 1, pl.String).alias("agency_siren"),
        pl.col("channel"),
        lookup("commune_id", communes, 0, pl.String).alias("commune_insee"),
        lookup("commune_id", communes, 1, pl.String).alias("epci_siren"),
        pl.col("h3_cell").cast(pl.String),
        pl.col("h3_resolution").cast(pl.Int64),
        pl.col("lat").cast(pl.Float64),
        pl.col("long").cast(pl.Float64),
        lookup("service_id", services, 3, pl.Int64).alias("sla_working_days"),
        paris_day("due_at").alias("expected_date"),
        pl.when(pl.col("due_at").is_null())
        .then(None)
        .when(finished.is_not_null())
        .then(finished <= pl.col("due_at"))
        .when(pl.col("due_at") < pl.lit(now).cast(_UTC))
        .then(pl.lit(False))
        .otherwise(None)
        .alias("on_time"),
        pl.col("parent_service_request_id"),
    ]  # fmt: skip


def _parent_references(raw: pl.DataFrame, plan: Plan) -> dict[int, str]:
    """duplicate_of id → the parent's reference, for parents that are themselves published."""
    parent_ids = raw["duplicate_of_id"].drop_nulls().unique().to_numpy()
    if not len(parent_ids):
        return {}
    parent_ids = parent_ids[plan.contains(parent_ids)]
    return dict(Request.objects.filter(id__in=parent_ids.tolist()).values_list("id", "reference"))
