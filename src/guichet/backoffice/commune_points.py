"""One commune's requests where they were placed: points, or a grid of counts when many.

A commune drawn as one coloured shape says nothing once the dashboards are cut to that commune:
there the map shows the requests the person located (`Request.latitude`/`longitude`), one
point each up to `POINTS_AT_MOST`, beyond that the counts of a square grid over their extent.
Only the requests of the figures (the agent's scope and filters) are read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import polars as pl

from guichet.backoffice.analytics import Names, Table
from guichet.backoffice.commune_map import COLOURS, LegendClass, breaks, class_of
from guichet.cases.models import Request
from guichet.core.plurals import ngettext

POINTS_AT_MOST = 300
GRID_CELLS = 16  # cells along the longer side of the located requests' extent
Row = tuple[int, str, float, float]  # pk, reference, latitude, longitude
SMALLEST_CELL = 0.0009  # degrees of latitude, about 100 m: a cell never shrinks to a dot


@dataclass(frozen=True)
class LocatedRequests:
    commune: str  # its name
    kind: str  # "points" or "grid"
    geojson: dict[str, Any]
    legend: list[LegendClass]
    table: Table
    located: int  # requests with a point
    total: int  # requests of the commune in the figures


def single_commune(figures: pl.DataFrame) -> str | None:
    """The INSEE code when the figures hold the requests of one commune only."""
    codes = figures.get_column("commune").drop_nulls().unique().to_list()
    return codes[0] if len(codes) == 1 else None


def located_requests(figures: pl.DataFrame, names: Names, code: str) -> LocatedRequests | None:
    """The commune's located requests, or None when none has a point (its colour then
    says more than an empty outline)."""
    cases = figures.filter(pl.col("commune") == code).select("case_id", "service", "is_open")
    wanted = {
        int(case_id): (service, is_open)
        for case_id, service, is_open in cases.iter_rows()
        if case_id is not None and str(case_id).isdecimal()
    }
    rows: list[Row] = [
        (pk, reference, lat, lon)
        for pk, reference, lat, lon in Request.objects.filter(
            commune__code=code, latitude__isnull=False, longitude__isnull=False
        )
        .order_by("received_at", "pk")
        .values_list("pk", "reference", "latitude", "longitude")
        .iterator(chunk_size=5_000)
        if pk in wanted and lat is not None and lon is not None
    ]
    if not rows:
        return None
    name = names.of("commune", code)
    if len(rows) <= POINTS_AT_MOST:
        return _points(rows, wanted, names, name, total=len(wanted))
    return _grid(rows, name, total=len(wanted))


def _points(
    rows: list[Row], wanted: dict[int, tuple[str, bool]], names: Names, name: str, *, total: int
) -> LocatedRequests:
    features, table_rows = [], []
    for pk, reference, lat, lon in rows:
        service, is_open = wanted[pk]
        service_name = names.of("service", service) if service else ""
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"reference": reference, "service": service_name, "open": bool(is_open)},
        })  # fmt: skip
        table_rows.append([reference, service_name, "ouverte" if is_open else "close",
                           round(lat, 5), round(lon, 5)])  # fmt: skip
    legend = [LegendClass("#e1000f", "demande ouverte"), LegendClass("#000091", "demande close")]
    table = Table(
        "points", f"Demandes localisées à {name}",
        ["Référence", "Service", "État", "Latitude", "Longitude"], table_rows,
    )  # fmt: skip
    return LocatedRequests(
        name, "points", {"type": "FeatureCollection", "features": features}, legend, table,
        located=len(rows), total=total,
    )  # fmt: skip


def _grid(rows: list[Row], name: str, *, total: int) -> LocatedRequests:
    lats = [r[2] for r in rows]
    lons = [r[3] for r in rows]
    south, west = min(lats), min(lons)
    # Square cells on the ground: a degree of longitude is cos(latitude) of a degree of latitude.
    shrink = max(math.cos(math.radians((south + max(lats)) / 2)), 0.1)
    span = max(max(lats) - south, (max(lons) - west) * shrink)
    size_lat = max(span / GRID_CELLS, SMALLEST_CELL)
    size_lon = size_lat / shrink
    counts: dict[tuple[int, int], int] = {}
    for _pk, _reference, lat, lon in rows:
        cell = (min(int((lat - south) / size_lat), GRID_CELLS - 1),
                min(int((lon - west) / size_lon), GRID_CELLS - 1))  # fmt: skip
        counts[cell] = counts.get(cell, 0) + 1
    bounds = breaks([float(n) for n in counts.values()])
    colours = COLOURS[-len(bounds):]  # fmt: skip
    features, table_rows = [], []
    for (row, column), count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        s, w = south + row * size_lat, west + column * size_lon
        n, e = s + size_lat, w + size_lon
        features.append({
            "type": "Feature",
            "geometry": {"type": "Polygon",
                         "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]},
            "properties": {"count": count, "colour": colours[class_of(count, bounds)]},
        })  # fmt: skip
        table_rows.append([round((s + n) / 2, 5), round((w + e) / 2, 5), count])
    legend, low = [], None
    for colour, bound in zip(colours, bounds, strict=True):
        shown = f"{int(bound)}"
        label = (
            ngettext("jusqu'à %(n)s demande", "jusqu'à %(n)s demandes", int(bound)) % {"n": shown}
            if low is None
            else f"de {low} à {shown} demandes"
        )
        legend.append(LegendClass(colour, label))
        low = shown
    metres = round(size_lat * 111_320)
    table = Table(
        "mailles", f"Demandes localisées à {name}, par maille d'environ {metres} m",
        ["Latitude du centre", "Longitude du centre", "Demandes"], table_rows,
    )  # fmt: skip
    return LocatedRequests(
        name, "grid", {"type": "FeatureCollection", "features": features}, legend, table,
        located=len(rows), total=total,
    )  # fmt: skip
