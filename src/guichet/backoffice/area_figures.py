"""Figures per area: how many requests of the authority lie in each of its areas."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from guichet.cases.models import Request
from guichet.territory.areas import prepared
from guichet.territory.models import Area

DAYS = 30
MAX_POINTS = 50_000  # per area: a sector of a very busy city still answers in a second


@dataclass(frozen=True)
class AreaFigures:
    open: int  # in the queue now
    received: int  # received in the last DAYS days (open or not)


def requests_per_area(authority: Any, areas: list[Area]) -> dict[int, AreaFigures]:
    """For each area, its authority's requests placed inside it: open now, and received in
    the last DAYS days (never a test request, nor a merged duplicate)."""
    since = timezone.now() - timedelta(days=DAYS)
    figures = {}
    for area in areas:
        if not area.bbox:
            continue
        minx, miny, maxx, maxy = area.bbox
        shape = prepared(area)
        points = (
            Request.objects.filter(
                authority=authority,
                is_test=False,
                duplicate_of__isnull=True,
                latitude__gte=miny,
                latitude__lte=maxy,
                longitude__gte=minx,
                longitude__lte=maxx,
            )  # fmt: skip
            .order_by()
            .values_list("latitude", "longitude", "in_queue", "received_at")[:MAX_POINTS]
        )
        inside = [
            (q, r)
            for lat, lon, q, r in points
            if lat is not None and lon is not None and shape.contains(lat, lon)
        ]
        figures[area.pk] = AreaFigures(
            open=sum(1 for q, _ in inside if q), received=sum(1 for _, r in inside if r >= since)
        )
    return figures
