"""Suspected duplicates of a request: open requests of the same service, near in place and time,
that say the same thing (issue 16).

    candidates(request)  # [Candidate(request=…, distance_m=38.0, score=0.86, …), …] best first

Why the same service and not the same category: a category groups different problems at the
same places (« Voirie » holds potholes and street lights), and a street light out beside a
pothole is not a duplicate; two requests of one service also follow one workflow, so a merged
child can mirror its parent's progress. An agent may still merge across services by typing a
reference (cases.actions.merge_request).

The score is a weighted sum of three components, each in [0, 1] (`combined_score`): place
(1 at the same point, 0 at the service's radius), time (1 when filed together, 0 at the edge of
the service's window) and text (rapidfuzz's token-set ratio of the normalised French texts,
counted from the ratio of unrelated sentences).
It is pure, so its monotonicity is property-tested (tests/cases/test_duplicates_ranking.py).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from rapidfuzz import fuzz

from guichet.cases.models import PublicStatus, Request
from guichet.cases.nearby import EARTH_RADIUS_M, haversine_m
from guichet.catalogue.formdef import InvalidFormDefinition
from guichet.catalogue.selectors import form_of_request
from guichet.territory.text import normalize_name

DEFAULT_DAYS = 30  # a service whose window is 0 days
DEFAULT_RADIUS_M = 300  # a service that sets no radius for "already reported nearby"
TEXT_FLOOR = 0.5  # the token-set ratio of unrelated sentences (see text_similarity)
THRESHOLD = 0.5  # below it, a candidate is not worth an agent's attention
WEIGHTS = {"distance": 0.5, "time": 0.2, "text": 0.3}
# Neither request has a point: the same commune is a weak hint of the same place.
SAME_COMMUNE_SCORE = 0.3
# At most this many recent requests are compared (a busy service in a big city).
SCANNED = 500
# Answers compared as text: what the person wrote or chose, never their contact details.
TEXT_TYPES = {"short_text", "long_text", "choice", "multiple_choice", "address"}
# Words that say nothing about the problem (after accent folding).
STOPWORDS = frozenset(
    "a au aux avec ce ces d dans de des du en est et il elle l la le les leur mais me mon n ne "
    "nous on ou par pas pour qu que qui s sa se ses son sur t ta te tres un une vous y "
    "bonjour merci madame monsieur svp".split()
)
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Candidate:
    """A request that may be the same problem as the one looked at, and why."""

    request: Request
    distance_m: float | None  # None when either has no point
    apart: timedelta  # candidate's reception minus the request's (negative: filed before)
    distance_score: float
    time_score: float
    text_score: float
    score: float

    @property
    def percent(self) -> int:
        """The text similarity in per cent, as agents read it."""
        return round(self.text_score * 100)


def normalise(text: str) -> str:
    """French text for comparison: lower case, accents and ligatures folded, punctuation and
    words that say nothing removed (« Le lampadaire est éteint ! » → « lampadaire eteint »)."""
    words = _WORDS.findall(normalize_name(text or ""))
    return " ".join(w for w in words if w not in STOPWORDS)


def text_similarity(first: str, second: str) -> float:
    """Token-set similarity of two normalised texts in [0, 1] (0 when either says nothing).

    rapidfuzz's token-set ratio of two unrelated French sentences is about 0.5 (they share
    letters), so the similarity counts from TEXT_FLOOR: unrelated texts score about 0, the
    same words 1."""
    left, right = normalise(first), normalise(second)
    if not left or not right:
        return 0.0
    ratio = fuzz.token_set_ratio(left, right) / 100
    return max(0.0, (ratio - TEXT_FLOOR) / (1 - TEXT_FLOOR))


def distance_score(distance_m: float | None, radius_m: float, *, same_commune: bool) -> float:
    """1 at the same point, falling linearly to 0 at `radius_m`; without points, a weak hint."""
    if distance_m is None:
        return SAME_COMMUNE_SCORE if same_commune else 0.0
    return max(0.0, 1.0 - distance_m / radius_m)


def time_score(apart: timedelta, window: timedelta) -> float:
    """1 when filed at the same moment, falling linearly to 0 at `window` (either way)."""
    return max(0.0, 1.0 - abs(apart.total_seconds()) / window.total_seconds())


def combined_score(distance: float, time: float, text: float) -> float:
    """The weighted sum of the three components (each in [0, 1]), in [0, 1]."""
    return WEIGHTS["distance"] * distance + WEIGHTS["time"] * time + WEIGHTS["text"] * text


def window_of(request: Request) -> tuple[timedelta, float]:
    """The service's time window and radius for suspecting duplicates."""
    service = request.service
    days = service.nearby_days or DEFAULT_DAYS
    radius = service.nearby_radius_m or DEFAULT_RADIUS_M
    return timedelta(days=days), float(radius)


def text_of(request: Request) -> str:
    """What the request says: its summary and the answers written or chosen in its form."""
    data = request.form_data or {}
    try:
        names = [f.name for f in form_of_request(request).fields if f.type in TEXT_TYPES]
    except (InvalidFormDefinition, ValueError):
        names = list(data)
    parts = [request.summary]
    for name in names:
        value = data.get(name)
        if isinstance(value, str):
            parts.append(value.replace("_", " "))
        elif isinstance(value, list):
            parts.extend(str(v).replace("_", " ") for v in value)
    return " ".join(parts)


def _point(request: Request) -> tuple[float, float] | None:
    if request.latitude is None or request.longitude is None:
        return None
    return request.latitude, request.longitude


def candidates(
    request: Request, limit: int = 5, *, threshold: float = THRESHOLD
) -> list[Candidate]:
    """Open requests that may be the same problem as `request`, best first.

    Same authority and service, not a test, not merged into another, filed within the
    service's window (`nearby_days`) before or after it; when both have a point, within the
    service's radius (`nearby_radius_m`, else DEFAULT_RADIUS_M); scored above `threshold`.
    """
    if request.is_test:
        return []
    window, radius = window_of(request)
    rows = Request.objects.filter(
        authority_id=request.authority_id,
        service_id=request.service_id,
        public_status__in=(PublicStatus.ONGOING, PublicStatus.ACTION_NEEDED),
        is_test=False,
        duplicate_of__isnull=True,
        received_at__gte=request.received_at - window,
        received_at__lte=request.received_at + window,
    ).exclude(pk=request.pk)
    here = _point(request)
    if here is not None:
        # A band of latitude first (the `request_nearby` index), then longitude; requests
        # without a point stay in: their place is unknown, not far.
        dlat = math.degrees(radius / EARTH_RADIUS_M)
        dlon = dlat / max(math.cos(math.radians(here[0])), 0.01)
        near = rows.filter(
            latitude__range=(here[0] - dlat, here[0] + dlat),
            longitude__range=(here[1] - dlon, here[1] + dlon),
        )
        rows = near | rows.filter(latitude__isnull=True)
    elif request.commune_id is not None:
        rows = rows.filter(commune_id=request.commune_id)
    rows = rows.select_related("service").order_by("-received_at", "-id")[:SCANNED]
    mine = text_of(request)
    found = []
    for other in rows:
        distance, there = None, _point(other)
        if here is not None and there is not None:
            distance = haversine_m(*here, *there)
            if distance > radius:
                continue
        apart = other.received_at - request.received_at
        scores = (
            distance_score(distance, radius, same_commune=other.commune_id == request.commune_id),
            time_score(apart, window),
            text_similarity(mine, text_of(other)),
        )
        total = combined_score(*scores)
        if total >= threshold:
            found.append(Candidate(other, distance, apart, *scores, score=total))
    found.sort(key=lambda c: (-c.score, c.distance_m if c.distance_m is not None else 1e12))
    return found[:limit]


def with_duplicate_links(requests: QuerySet[Request]) -> QuerySet[Request]:
    """`requests`, each with `parent_reference` (the request it is merged into, or None) and
    `merged_count` (how many are merged into it), read in the same query (lists, APIs)."""
    merged = (
        Request.objects.filter(duplicate_of=OuterRef("pk"))
        .order_by()
        .values("duplicate_of")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return requests.annotate(
        parent_reference=F("duplicate_of__reference"),
        merged_count=Coalesce(Subquery(merged), 0),
    )


def duplicate_links(request: Request) -> tuple[str | None, int]:
    """The reference of the request `request` is merged into (or None) and how many requests
    are merged into it: from `with_duplicate_links` when it was used, else two small reads."""
    if hasattr(request, "merged_count"):
        return request.parent_reference, request.merged_count  # type: ignore[attr-defined]
    parent = None
    if request.duplicate_of_id is not None:
        parent = (
            Request.objects.filter(pk=request.duplicate_of_id)
            .values_list("reference", flat=True)
            .first()
        )
    return parent, Request.objects.filter(duplicate_of_id=request.pk).count()
