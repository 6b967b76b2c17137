"""Reads behind the Open311 endpoints: jurisdictions, their services, their requests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max, QuerySet

from guichet.api.open311.mapping import OPEN, Extras, note_out
from guichet.authorities.competence import services_at
from guichet.authorities.models import Authority, CompetenceAssignment
from guichet.cases import events
from guichet.cases.duplicates import with_duplicate_links
from guichet.cases.models import Attachment, Request
from guichet.cases.references import normalise_reference
from guichet.catalogue.models import Channel, Level, Service
from guichet.core.models import Event

LEVEL_OF_KIND = {
    Authority.Kind.COMMUNE: Level.COMMUNAL,
    Authority.Kind.INTERCOMMUNALITY: Level.INTERCOMMUNAL,
    Authority.Kind.DEPARTEMENT: Level.DEPARTMENTAL,
}
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic")


def jurisdictions() -> QuerySet[Authority]:
    return Authority.objects.filter(is_active=True).order_by("slug")


def jurisdiction(slug: str) -> Authority | None:
    return jurisdictions().filter(slug=slug).first()


def open311_services() -> list[Service]:
    """Published services one can file through Open311: reports about public space mostly.

    Only their requests are ever listed publicly: a birth certificate request is nobody's
    business, a pothole report is everybody's.
    """
    services = Service.objects.filter(is_active=True).select_related("category")
    return [
        s
        for s in services.order_by("category__position", "name")
        if s.accepts_requests and (not s.channels or Channel.OPEN311 in s.channels)
    ]


def services_of(authority: Authority) -> list[Service]:
    """The Open311 services `authority` delivers somewhere.

    A commune: what the competence map gives it at its own territory. Another authority: the
    services of its level, plus those transferred or delegated to it.
    """
    offered = open311_services()
    if authority.kind == Authority.Kind.COMMUNE and authority.commune is not None:
        mine = {s.pk for s, c in services_at(authority.commune) if c.authority == authority}
    else:
        mine = {s.pk for s in offered if s.level == LEVEL_OF_KIND.get(authority.kind)}
        mine |= set(
            CompetenceAssignment.objects.filter(receiving_authority=authority).values_list(
                "service_id", flat=True
            )
        )
    return [s for s in offered if s.pk in mine]


def service_of(authority: Authority, code: str) -> Service | None:
    return next((s for s in services_of(authority) if s.slug == code), None)


@dataclass(frozen=True)
class RequestFilters:
    references: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()


def public_requests(authority: Authority | None = None) -> QuerySet[Request]:
    """Requests of Open311 services (any channel), of `authority` when given."""
    requests = Request.objects.filter(service__in=[s.pk for s in open311_services()], is_test=False)
    if authority is not None:
        requests = requests.filter(authority=authority)
    # with the parent of a merged duplicate (Chicago's extension), in the same query
    return with_duplicate_links(
        requests.select_related("service__category", "authority", "commune")
    )


def find_requests(authority: Authority, filters: RequestFilters) -> QuerySet[Request]:
    """The jurisdiction's public requests, newest first. References override other filters."""
    requests = public_requests(authority)
    if filters.references:
        wanted = {normalise_reference(r) for r in filters.references} - {None}
        return requests.filter(reference__in=wanted).order_by("-received_at", "-id")
    if filters.service_codes:
        requests = requests.filter(service__slug__in=filters.service_codes)
    if filters.start is not None:
        requests = requests.filter(received_at__gte=filters.start)
    if filters.end is not None:
        requests = requests.filter(received_at__lte=filters.end)
    statuses = set(filters.statuses)
    if statuses == {"open"}:
        requests = requests.filter(public_status__in=OPEN)
    elif statuses == {"closed"}:
        requests = requests.exclude(public_status__in=OPEN)
    return requests.order_by("-received_at", "-id")


def latest_id(requests: QuerySet[Request]) -> int | None:
    """The highest id among `requests` (where a client's paging begins)."""
    return requests.order_by().aggregate(latest=Max("pk"))["latest"]


def request_by_reference(reference: str, authority: Authority | None = None) -> Request | None:
    canonical = normalise_reference(reference)
    if canonical is None:
        return None
    return public_requests(authority).filter(reference=canonical).first()


def extras_for(
    requests: list[Request], *, media_url: Callable[[str], str], with_notes: bool = False
) -> Extras:
    """Status notes, media and (for the extensions) public history of `requests`, in 2 queries.

    `media_url(reference)` builds the public address of a request's first photo.
    """
    extras = Extras()
    ids = [r.pk for r in requests]
    if not ids:
        return extras
    kinds = [events.STATUS_CHANGED] + ([events.RECEIVED, events.HANDED_OFF] if with_notes else [])
    history = Event.objects.filter(case_id__in=ids, kind__in=kinds, visible_to_person=True)
    for event in history.order_by("occurred_at", "id"):
        note = (event.payload or {}).get("note")
        if event.kind == events.STATUS_CHANGED and note:
            extras.status_notes[event.case_id] = note  # the latest one wins
        if with_notes and (entry := note_out(event)) is not None:
            extras.notes.setdefault(event.case_id, []).append(entry)
    photos = Attachment.objects.filter(
        request_id__in=ids, is_internal=False, content_type__in=IMAGE_TYPES
    ).order_by("uploaded_at", "id")
    references = {r.pk: r.reference for r in requests}
    for request_id in photos.values_list("request_id", flat=True):
        if request_id not in extras.media_urls:
            extras.media_urls[request_id] = media_url(references[request_id])
    return extras


def first_photo(request: Request) -> Attachment | None:
    return (
        Attachment.objects.filter(request=request, is_internal=False, content_type__in=IMAGE_TYPES)
        .order_by("uploaded_at", "id")
        .first()
    )
