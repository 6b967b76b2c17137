"""Prepared commune boundaries for fast point-in-polygon tests, cached per process."""

from __future__ import annotations

from typing import Any

import shapely
import shapely.geometry
from shapely.geometry.base import BaseGeometry

# (commune pk, bbox) → prepared shape. The bbox is part of the key so that a boundary
# replaced by an import in another process is not served stale here (a new outline moves
# its bbox); the importing process also clears the cache on commit.
_prepared: dict[tuple[int, tuple[float, ...]], BaseGeometry] = {}
MAX_CACHED = 50_000


def cached(pk: int, bbox: list[float]) -> BaseGeometry | None:
    return _prepared.get((pk, tuple(bbox)))


def prepare(pk: int, bbox: list[float], boundary: dict[str, Any]) -> BaseGeometry:
    if len(_prepared) >= MAX_CACHED:
        _prepared.clear()
    shape = shapely.geometry.shape(boundary)
    shapely.prepare(shape)
    _prepared[(pk, tuple(bbox))] = shape
    return shape


def contains(shape: BaseGeometry, lon: float, lat: float) -> bool:
    """True inside or on the border: a point on a shared border still finds a commune."""
    return bool(shape.intersects(shapely.Point(lon, lat)))


def clear_cache() -> None:
    _prepared.clear()
