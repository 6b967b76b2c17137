"""Anonymisation by construction for every published data set (issue 19, ADR 0036).

Three rules, applied in this order by the data set builders:

1. Rare combinations are suppressed: a (service, commune, month) group holding fewer than k
   requests is left out entirely (`rare_groups`); the count goes in the publication's summary.
2. Locations are generalised (`generalise_cells`): each precise point becomes the H3 cell at the
   finest resolution (from `FINEST` down to `COARSEST`) whose *remaining* points number at
   least k. It works bottom-up: the points of a cell holding >= k points at the finest
   resolution publish that cell; the others move up to the parent cell, where only those
   leftovers are counted, and so on. Every published cell value therefore appears on at least
   k rows. Points still left at the coarsest resolution publish no cell: only their commune
   (which, after rule 1, always holds at least k rows).
3. Dates are truncated to the day in Europe/Paris (`day`).

`generalise_points` is the same rule for a list of (latitude, longitude) pairs, for callers
such as the real-time API that hold a small list in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from itertools import repeat
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
from django.conf import settings
from h3.api import basic_int as h3i

FINEST = 10  # about 15,000 m² per cell: a block of houses
COARSEST = 6  # about 36 km² per cell: a small town
PARIS = ZoneInfo("Europe/Paris")


def k_threshold() -> int:
    return max(1, int(getattr(settings, "GUICHET_OPENDATA_K", 5)))


def cell_of(lat: float, lon: float, resolution: int = FINEST) -> int:
    """The H3 cell (as an integer) of a point at `resolution`."""
    return h3i.latlng_to_cell(lat, lon, resolution)


def cells_of(lat: pl.Series, lon: pl.Series, resolution: int = FINEST) -> np.ndarray:
    """The H3 cell (uint64, 0 where a coordinate is null) of each point of two columns.

    h3 has no vectorised `latlng_to_cell`: one C call per point through `map` (about 0.6 µs),
    without a Python frame per row."""
    present = (lat.is_not_null() & lon.is_not_null()).to_numpy()
    cells = np.zeros(len(present), dtype=np.uint64)
    count = int(present.sum())
    if count:
        lats = lat.to_numpy()[present].astype(np.float64).tolist()
        lons = lon.to_numpy()[present].astype(np.float64).tolist()
        cells[present] = np.fromiter(
            map(h3i.latlng_to_cell, lats, lons, repeat(resolution)), dtype=np.uint64, count=count
        )
    return cells


def generalise_cells(
    fine_cells: np.ndarray, k: int, finest: int = FINEST, coarsest: int = COARSEST
) -> np.ndarray:
    """For cells at resolution `finest` (int64, 0 = no location), the published cell per row:
    an ancestor cell (or the cell itself) holding at least k rows, or 0 (commune only)."""
    fine_cells = np.asarray(fine_cells, dtype=np.uint64)
    published = np.zeros(len(fine_cells), dtype=np.uint64)
    pending = np.flatnonzero(fine_cells != 0)
    current = fine_cells[pending]
    for resolution in range(finest, coarsest - 1, -1):
        if not len(pending):
            break
        unique, inverse, counts = np.unique(current, return_inverse=True, return_counts=True)
        enough = counts[inverse] >= k
        published[pending[enough]] = current[enough]
        pending, current = pending[~enough], current[~enough]
        if resolution > coarsest and len(pending):
            unique, inverse = np.unique(current, return_inverse=True)
            parents = np.fromiter(
                (h3i.cell_to_parent(int(cell), resolution - 1) for cell in unique),
                dtype=np.uint64,
                count=len(unique),
            )
            current = parents[inverse]
    return published


def generalise_points(
    points: Sequence[tuple[float, float] | None], k: int | None = None
) -> list[str | None]:
    """The published H3 cell (hexadecimal string) of each (latitude, longitude) point, or None
    where the point is missing or too isolated (then only its commune may be shown)."""
    k = k_threshold() if k is None else k
    fine = np.fromiter(
        (cell_of(p[0], p[1]) if p is not None else 0 for p in points),
        dtype=np.uint64,
        count=len(points),
    )
    return [h3i.int_to_str(int(c)) if c else None for c in generalise_cells(fine, k)]


def cell_centre(cell: int | str) -> tuple[float, float]:
    """(latitude, longitude) of a cell's centre, rounded to 6 decimals."""
    if isinstance(cell, str):
        cell = h3i.str_to_int(cell)
    lat, lon = h3i.cell_to_latlng(int(cell))
    return round(lat, 6), round(lon, 6)


def cell_hex(cell: int) -> str:
    return h3i.int_to_str(int(cell))


def cell_resolution(cell: int) -> int:
    return h3i.get_resolution(int(cell))


def rare_groups(counts: Mapping[tuple, int] | Iterable[tuple[tuple, int]], k: int) -> set:
    """The group keys with fewer than k rows (to suppress)."""
    items = counts.items() if isinstance(counts, Mapping) else counts
    return {key for key, n in items if n < k}


def day(moment: datetime | date | None) -> date | None:
    """A moment truncated to its day in Europe/Paris."""
    if moment is None:
        return None
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(PARIS)
        return moment.date()
    return moment
