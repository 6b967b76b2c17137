""" "Already reported nearby": the open requests of a service around a point (issue 16).

The database reads a band of latitude on the `request_nearby` index (service, latitude),
narrowed by a band of longitude wide enough for the radius at that latitude; the exact
great-circle distance is then computed here, so the answer is the same on SQLite and
PostgreSQL without any spatial extension.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from guichet.cases.models import PublicStatus, Request
from guichet.catalogue.models import Service
from guichet.core import clock
from guichet.core.plurals import ngettext

EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG), as most haversine libraries use
# How many rows a band may bring back before it is cut: a busy crossroads reported a thousand
# times still answers in a few milliseconds (the nearest `limit` among these are shown).
BAND_ROWS = 2_000


@dataclass(frozen=True)
class NearbyRequest:
    """An open request near the point: only what may be shown to anyone (no person)."""

    pk: int
    reference: str
    authority_id: int
    summary: str
    public_status: str
    received_at: datetime
    latitude: float
    longitude: float
    distance_m: float
    age: timedelta

    @property
    def public_status_label(self) -> str:
        return str(PublicStatus(self.public_status).label)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance in metres between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bands(
    lat: float, lon: float, radius_m: float
) -> tuple[float, float, float | None, float | None]:
    """The latitude and longitude bands (degrees) holding every point within `radius_m`.

    The longitude half-width is the exact extent of a spherical cap, asin(sin δ / cos φ),
    not δ / cos φ, which is slightly too narrow; None when the cap reaches a pole or crosses
    the antimeridian (then any longitude may be within reach).
    """
    delta = radius_m / EARTH_RADIUS_M  # the angular radius, in radians
    margin = 1.000001  # float rounding must never leave a point on the edge outside the band
    dlat = math.degrees(delta) * margin
    lat_min, lat_max = lat - dlat, lat + dlat
    if lat_max >= 90 or lat_min <= -90:
        return lat_min, lat_max, None, None
    ratio = math.sin(delta) / math.cos(math.radians(lat))
    if ratio >= 1:
        return lat_min, lat_max, None, None
    dlon = math.degrees(math.asin(ratio)) * margin
    if lon - dlon < -180 or lon + dlon > 180:
        return lat_min, lat_max, None, None
    return lat_min, lat_max, lon - dlon, lon + dlon


def nearby_requests(
    service: Service,
    lat: float,
    lon: float,
    *,
    now: datetime | None = None,
    limit: int = 5,
    exclude: int | None = None,
) -> list[NearbyRequest]:
    """The open requests of `service` within its `nearby_radius_m` of (lat, lon), received in
    its last `nearby_days`, nearest first (at most `limit`).

    Open means in a queue: ongoing or waiting for the person, not a designer's test, not a
    duplicate merged into another. `exclude` is a request not to offer (the one just filed).
    A service with a radius of 0 looks nothing up. Raises ValueError for a point that is not
    a finite latitude and longitude.
    """
    radius = service.nearby_radius_m
    if not radius or limit <= 0:
        return []
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError("point hors des coordonnées terrestres")
    now = now or clock.now()
    lat_min, lat_max, lon_min, lon_max = bands(lat, lon, radius)
    rows = Request.objects.filter(
        service=service,
        latitude__gte=lat_min,
        latitude__lte=lat_max,
        in_queue=True,  # open, not a test, not a merged duplicate (computed by the database)
        received_at__gte=now - timedelta(days=service.nearby_days),
        received_at__lte=now,
    )
    if lon_min is not None:
        rows = rows.filter(longitude__gte=lon_min, longitude__lte=lon_max)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    found = []
    columns = (
        "pk", "reference", "authority_id", "summary", "public_status", "received_at",
        "latitude", "longitude",
    )  # fmt: skip
    band = rows.order_by().values_list(*columns)[:BAND_ROWS]
    for pk, reference, authority_id, summary, status, received_at, rlat, rlon in band:
        distance = haversine_m(lat, lon, rlat, rlon)
        if distance <= radius:
            found.append(
                NearbyRequest(
                    pk=pk,
                    reference=reference,
                    authority_id=authority_id,
                    summary=summary,
                    public_status=status,
                    received_at=received_at,
                    latitude=rlat,
                    longitude=rlon,
                    distance_m=distance,
                    age=now - received_at,
                )  # fmt: skip
            )
    found.sort(key=lambda near: (near.distance_m, -near.received_at.timestamp(), near.pk))
    return found[:limit]


def distance_phrase(metres: float) -> str:
    """« à 40 m » (rounded to 10 m), « à moins de 10 m »."""
    if metres < 10:
        return "à moins de 10 m"
    return f"à {int(round(metres / 10.0)) * 10} m"


def age_phrase(age: timedelta) -> str:
    """« il y a 2 jours », « il y a 3 heures », « il y a moins d'une heure »."""
    hours = int(age.total_seconds() // 3600)
    if hours < 1:
        return "il y a moins d'une heure"
    if hours < 24:
        return ngettext("il y a %(n)d heure", "il y a %(n)d heures", hours) % {"n": hours}
    days = hours // 24
    return ngettext("il y a %(n)d jour", "il y a %(n)d jours", days) % {"n": days}
