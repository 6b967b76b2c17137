"""The public map of reports: what anyone may see of the requests of services marked public.

Only the service, the generic status, the day, the commune and a generalised place, never
the person, their answers, messages, attachments, address or exact point (ADR 0030). The place
is the centre of the ~100 m grid cell the request's point falls in, moved by a small offset
derived from the reference alone (so reports of one cell do not hide each other, and the
offset says nothing about where in the cell the point was).
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from guichet.cases.events import RECEIVED, STATUS_CHANGED
from guichet.cases.models import Follower, PublicStatus, Request
from guichet.cases.references import normalise_reference
from guichet.catalogue.models import Service
from guichet.catalogue.selectors import service_by_id
from guichet.portal import selectors
from guichet.territory.models import Commune
from guichet.territory.selectors import commune_by_id

RECENT_DAYS = 30  # resolved requests stay on the map this many days
MAX_FEATURES = 1000  # the map's GeoJSON: the most recent reports, no more
PAGE_SIZE = 20
# The grid: 0.0009° of latitude is 100 m; 0.0013° of longitude is 100 m at 46° N (90 m at
# Dunkirk, 105 m at Perpignan, 133 m in Guadeloupe: the cell is wider, never smaller).
CELL_LAT = 0.0009
CELL_LON = 0.0013
OFFSET_SHARE = 0.3  # at most this share of a cell either side of its centre

OPEN = "en-cours"
RESOLVED = "traite"
STATUS_FILTERS = {OPEN: "En cours", RESOLVED: "Traité"}
# The public's words for the generic statuses (never « action attendue de votre part »).
STATUS_LABELS = {
    PublicStatus.ONGOING: "en cours",
    PublicStatus.ACTION_NEEDED: "en cours (complément demandé)",
    PublicStatus.DONE: "traité",
    PublicStatus.CANCELLED: "clos sans suite",
}
_COMMUNE_CODE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")
_SLUG = re.compile(r"^[-a-z0-9_]{1,80}$")


@dataclass(frozen=True)
class Filters:
    service: str = ""  # a public service's slug
    status: str = ""  # OPEN, RESOLVED or ""
    commune: str = ""  # an INSEE code

    @classmethod
    def from_query(cls, query) -> Filters:
        """What a GET form sent, anything malformed read as « all » (a filter, not an input)."""

        def value(name: str) -> str:
            found = query.get(name, "")
            return found.strip()[:100] if isinstance(found, str) else ""

        service, status, commune = value("service"), value("statut"), value("commune").upper()
        return cls(
            service=service if _SLUG.match(service) else "",
            status=status if status in STATUS_FILTERS else "",
            commune=commune if _COMMUNE_CODE.match(commune) else "",
        )

    def as_key(self) -> str:
        return f"{self.service}|{self.status}|{self.commune}"


@dataclass(frozen=True)
class Report:
    reference: str
    service: str
    status: str
    status_label: str
    received_on: date
    resolved_on: date | None
    commune: str
    point: tuple[float, float] | None  # generalised (latitude, longitude)
    followers: int
    duplicates: int

    @property
    def is_open(self) -> bool:
        return self.status in (PublicStatus.ONGOING, PublicStatus.ACTION_NEEDED)


def public_services() -> list[Service]:
    return list(Service.objects.filter(public_reports=True, is_active=True).order_by("name"))


def eligible(now: datetime | None = None) -> QuerySet[Request]:
    """Requests on the map: of a public service, not a test, not merged into another (its
    parent shows it), open or resolved in the last RECENT_DAYS days."""
    since = (now or timezone.now()) - timedelta(days=RECENT_DAYS)
    return Request.objects.filter(
        Q(public_status__in=(PublicStatus.ONGOING, PublicStatus.ACTION_NEEDED))
        | Q(public_status=PublicStatus.DONE, resolved_at__gte=since),
        service__public_reports=True, is_test=False, duplicate_of__isnull=True,
    )  # fmt: skip


def reports(filters: Filters, *, now: datetime | None = None) -> QuerySet[Request]:
    """The public reports matching `filters`, newest first, with only the public columns."""
    found = eligible(now)
    if filters.service:
        found = found.filter(service__slug=filters.service)
    if filters.status == OPEN:
        found = found.filter(public_status__in=(PublicStatus.ONGOING, PublicStatus.ACTION_NEEDED))
    elif filters.status == RESOLVED:
        found = found.filter(public_status=PublicStatus.DONE)
    if filters.commune:
        found = found.filter(commune__code=filters.commune)
    return found.only(*PUBLIC_COLUMNS).order_by("-received_at", "-id")


PUBLIC_COLUMNS = (
    "reference", "service_id", "public_status", "received_at", "resolved_at", "commune_id",
    "latitude", "longitude",
)  # fmt: skip


def communes_with_reports(*, now: datetime | None = None) -> list[Commune]:
    ids = eligible(now).exclude(commune__isnull=True).values_list("commune_id", flat=True)
    return list(Commune.objects.filter(pk__in=ids.distinct()).order_by("name")[:500])


def as_reports(requests: list[Request]) -> list[Report]:
    """The public view of `requests` (two queries for the counts of followers and merged
    duplicates, whatever their number)."""
    ids = [r.pk for r in requests]
    followers = dict(
        Follower.objects.filter(request_id__in=ids)
        .values_list("request_id").annotate(n=Count("id")).values_list("request_id", "n")
    ) if ids else {}  # fmt: skip
    duplicates = dict(
        Request.objects.filter(duplicate_of_id__in=ids)
        .values_list("duplicate_of_id").annotate(n=Count("id")).values_list("duplicate_of_id", "n")
    ) if ids else {}  # fmt: skip
    found = []
    for request in requests:
        service = service_by_id(request.service_id)
        commune = commune_by_id(request.commune_id) if request.commune_id else None
        found.append(
            Report(
                reference=request.reference,
                service=service.name if service is not None else "",
                status=request.public_status,
                status_label=STATUS_LABELS.get(request.public_status, ""),
                received_on=timezone.localdate(request.received_at),
                resolved_on=timezone.localdate(request.resolved_at)
                if request.resolved_at and request.public_status == PublicStatus.DONE
                else None,
                commune=commune.name if commune is not None else "",
                point=generalised(request.reference, request.latitude, request.longitude),
                followers=followers.get(request.pk, 0),
                duplicates=duplicates.get(request.pk, 0),
            )
        )
    return found


def cell_of(latitude: float, longitude: float) -> tuple[int, int]:
    return math.floor(latitude / CELL_LAT), math.floor(longitude / CELL_LON)


def generalised(
    reference: str, latitude: float | None, longitude: float | None
) -> tuple[float, float] | None:
    """The published place: the centre of the point's grid cell moved by an offset that
    depends on the reference only (at most OFFSET_SHARE of a cell). None without a point."""
    if latitude is None or longitude is None:
        return None
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return None
    row, column = cell_of(latitude, longitude)
    digest = hashlib.sha256(f"guichet.public-map:{reference}".encode()).digest()
    dy = (int.from_bytes(digest[:4], "big") / 0xFFFFFFFF * 2 - 1) * OFFSET_SHARE
    dx = (int.from_bytes(digest[4:8], "big") / 0xFFFFFFFF * 2 - 1) * OFFSET_SHARE
    return (
        round((row + 0.5 + dy) * CELL_LAT, 6),
        round((column + 0.5 + dx) * CELL_LON, 6),
    )


def geojson(filters: Filters, *, now: datetime | None = None) -> dict:
    """The map's data: the MAX_FEATURES most recent located reports, public fields only."""
    located = list(
        reports(filters, now=now).filter(latitude__isnull=False, longitude__isnull=False)[
            : MAX_FEATURES + 1
        ]
    )
    truncated = len(located) > MAX_FEATURES
    features = []
    for report in as_reports(located[:MAX_FEATURES]):
        if report.point is None:
            continue
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [report.point[1], report.point[0]]},
            "properties": {
                "reference": report.reference, "service": report.service,
                "status": report.status, "status_label": report.status_label,
                "open": report.is_open, "date": report.received_on.isoformat(),
                "commune": report.commune, "followers": report.followers,
                "duplicates": report.duplicates,
            },
        })  # fmt: skip
    return {"type": "FeatureCollection", "features": features, "truncated": truncated}


@dataclass(frozen=True)
class PublicFound:
    request: Request | None = None
    parent_reference: str = ""  # a merged duplicate: its parent's page


def public_report(text: str) -> PublicFound:
    """The request behind a public page's reference, when its service is public and it is no
    test; a merged duplicate answers its parent's reference. Nothing for anything else."""
    reference = normalise_reference(text) if isinstance(text, str) and len(text) <= 40 else None
    if reference is None:
        return PublicFound()
    found = (
        Request.objects.filter(reference=reference, is_test=False, service__public_reports=True)
        .exclude(public_status=PublicStatus.CANCELLED)
        .select_related("duplicate_of")
        .only(
            *PUBLIC_COLUMNS,
            "service_version_id",
            "state",
            "service__public_reports",
            "duplicate_of__reference",
            "duplicate_of_id",
        )  # fmt: skip
        .first()
    )
    if found is None:
        return PublicFound()
    if found.duplicate_of_id is not None:
        return PublicFound(parent_reference=found.duplicate_of.reference)
    return PublicFound(request=found)


@dataclass(frozen=True)
class Step:
    on: date
    label: str


def public_steps(request: Request) -> list[Step]:
    """The report's public history: received, then each change of generic status, by day;
    never a note, a message, an agent or another authority's name."""
    steps: list[Step] = []
    previous = ""
    for entry in selectors.public_timeline(request):
        if entry.kind == RECEIVED:
            steps.append(Step(timezone.localdate(entry.occurred_at), "Signalement reçu"))
            previous = PublicStatus.ONGOING
        elif (
            entry.kind == STATUS_CHANGED and entry.public_status and entry.public_status != previous
        ):
            label = STATUS_LABELS.get(entry.public_status, "")
            if label:
                steps.append(Step(timezone.localdate(entry.occurred_at), label.capitalize()))
            previous = entry.public_status
    return steps
