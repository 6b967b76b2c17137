"""The public real-time figures (issue 19): what the open API serves without a key.

- open requests now, per authority, service and commune;
- the public reports (services that publish them on the map) as GeoJSON points, placed at the
  centre of the same k-anonymous H3 cells as the data sets (`anonymise.generalise_points`);
- delays this week: requests resolved since Monday, per authority and service, in working
  days without the waits for the person, against the service's promise.

Every group of fewer than k requests (`GUICHET_OPENDATA_K`) is left out and counted in
`suppressed`, as in the data sets. Nothing here names a person, an address, an answer or a
reference. The API caches each answer (`cached`), so a burst of callers costs one query.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from statistics import median

from django.core.cache import cache
from django.db.models import Count

from guichet.cases.models import PublicStatus, Request
from guichet.cases.promises import working_days_taken
from guichet.core import clock
from guichet.opendata.anonymise import PARIS, cell_centre, day, generalise_points, k_threshold

CACHE_SECONDS = 60
MAX_REPORTS = 5000  # the newest public reports on the map, no more
STATUS_WORDS = {
    PublicStatus.ONGOING: "en cours",
    PublicStatus.ACTION_NEEDED: "en cours",
}


@dataclass(frozen=True)
class Filters:
    """Already checked by the API: slugs and an INSEE code, or empty."""

    authority: str = ""
    service: str = ""
    commune: str = ""

    def key(self) -> str:
        return f"{self.authority}|{self.service}|{self.commune}"


def cached(name: str, filters: Filters, compute):
    """`compute(filters)` kept CACHE_SECONDS in the Django cache per name and filters."""
    key = f"opendata:realtime:{name}:{filters.key()}"
    value = cache.get(key)
    if value is None:
        value = compute(filters)
        cache.set(key, value, CACHE_SECONDS)
    return value


def _requests(filters: Filters):
    requests = Request.objects.filter(is_test=False)
    if filters.authority:
        requests = requests.filter(authority__slug=filters.authority)
    if filters.service:
        requests = requests.filter(service__slug=filters.service)
    if filters.commune:
        requests = requests.filter(commune__code=filters.commune)
    return requests


def open_requests(filters: Filters) -> dict:
    """Open requests now per (authority, service, commune); groups under k suppressed."""
    k = k_threshold()
    groups = (
        _requests(filters)
        .filter(in_queue=True)
        .values(
            "authority__slug",
            "authority__name",
            "service__slug",
            "service__name",
            "commune__code",
            "commune__name",
        )  # fmt: skip
        .annotate(count=Count("id"))
        .order_by("authority__slug", "service__slug", "commune__code")
    )
    rows, suppressed = [], 0
    for group in groups:
        if group["count"] < k:
            suppressed += group["count"]
            continue
        rows.append(
            {
                "authority": group["authority__slug"],
                "authority_name": group["authority__name"],
                "service_code": group["service__slug"],
                "service_name": group["service__name"],
                "commune_insee": group["commune__code"],
                "commune_name": group["commune__name"],
                "open_requests": group["count"],
            }
        )
    return {
        "computed_at": clock.now().isoformat(timespec="seconds"),
        "k": k,
        "groups": rows,
        "total": sum(r["open_requests"] for r in rows),
        "suppressed": suppressed,
    }


def public_reports(filters: Filters) -> dict:
    """The open public reports as a GeoJSON FeatureCollection of generalised points."""
    k = k_threshold()
    found = list(
        _requests(filters)
        .filter(in_queue=True, service__public_reports=True)
        .order_by("-received_at", "-id")
        .values_list(
            "latitude",
            "longitude",
            "received_at",
            "public_status",
            "service__slug",
            "service__name",
            "commune__code",
            "commune__name",
            "authority__slug",
        )[:MAX_REPORTS]  # fmt: skip
    )
    points = [(r[0], r[1]) if r[0] is not None and r[1] is not None else None for r in found]
    cells = generalise_points(points, k)
    features = []
    for row, cell in zip(found, cells, strict=True):
        _, _, received, status, code, name, insee, commune, authority = row
        geometry = None
        if cell is not None:
            lat, lon = cell_centre(cell)
            geometry = {"type": "Point", "coordinates": [lon, lat]}
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "service_code": code,
                    "service_name": name,
                    "status": STATUS_WORDS.get(status, "en cours"),
                    "created": (day(received) or received).isoformat(),
                    "commune_insee": insee,
                    "commune_name": commune,
                    "authority": authority,
                    "h3_cell": cell,
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "k": k,
        "truncated": len(found) == MAX_REPORTS,
    }


def week_start(now: datetime | None = None) -> datetime:
    """Monday 00:00 of the current week, Europe/Paris."""
    local = (now or clock.now()).astimezone(PARIS)
    monday = local.date() - timedelta(days=local.weekday())
    return datetime.combine(monday, time.min, tzinfo=PARIS)


def delays_this_week(filters: Filters) -> dict:
    """Requests resolved since Monday per (authority, service): how many, the median delay
    in working days, how many within the promise; groups under k suppressed."""
    k = k_threshold()
    since = week_start()
    found = (
        _requests(filters)
        .filter(resolved_at__gte=since)
        .values_list(
            "authority__slug",
            "authority__name",
            "service__slug",
            "service__name",
            "service__sla_working_days",
            "received_at",
            "resolved_at",
            "pauses",
            "commune__departement__code",
        )  # fmt: skip
    )
    groups: dict[tuple, list[int]] = defaultdict(list)
    names: dict[tuple, tuple] = {}
    for slug, authority, code, name, promise, received, resolved, pauses, dept in found.iterator():
        key = (slug, code)
        names[key] = (authority, name, promise)
        groups[key].append(working_days_taken(received, resolved, pauses, dept))
    rows, suppressed = [], 0
    for key in sorted(groups):
        durations = groups[key]
        if len(durations) < k:
            suppressed += len(durations)
            continue
        authority, name, promise = names[key]
        rows.append(
            {
                "authority": key[0],
                "authority_name": authority,
                "service_code": key[1],
                "service_name": name,
                "promise_working_days": promise,
                "resolved": len(durations),
                "median_working_days": float(median(durations)),
                "within_promise": (
                    None if promise is None else sum(1 for d in durations if d <= promise)
                ),
            }
        )
    return {
        "computed_at": clock.now().isoformat(timespec="seconds"),
        "since": since.isoformat(timespec="seconds"),
        "k": k,
        "groups": rows,
        "suppressed": suppressed,
    }
