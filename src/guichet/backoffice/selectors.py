"""Reads the back office needs that the domain apps do not offer (yet).

Everything here is scoped to the agent: it only ever returns rows of the authorities the
agent works for, or counts of the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from guichet.authorities.access import UNRANKED, authority_ids_for, role_permits
from guichet.authorities.models import AgentMembership, Authority, Team
from guichet.cases.events import HANDED_OFF
from guichet.cases.models import Attachment, Request, RoutingRule
from guichet.cases.references import normalise_reference
from guichet.cases.selectors import requests_of_person
from guichet.core.calendar import overdue_factor
from guichet.core.models import Event
from guichet.people.models import Category, Person


def is_agent(user) -> bool:
    """Whether `user` may enter the back office's request and people pages: a member of an
    authority with a role that handles requests, or a superuser. A designer of services only
    (a role outside the ranking) is not: they enter the designer alone (ADR 0031)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return (
        AgentMembership.objects.filter(user=user)
        .exclude(role__in=[role.value for role in UNRANKED])
        .exists()
    )


def is_designer_only(user) -> bool:
    """A signed-in member of some authority whose every role is outside the ranking."""
    return (
        user.is_authenticated
        and user.is_active
        and not is_agent(user)
        and AgentMembership.objects.filter(user=user).exists()
    )


def authorities_where(user, permission: str) -> list[Authority]:
    """The agent's authorities where their role holds `permission` (every one for a superuser)."""
    if user.is_superuser:
        return list(Authority.objects.order_by("name"))
    memberships = AgentMembership.objects.filter(user=user).select_related("authority")
    return sorted(
        (m.authority for m in memberships if role_permits(m.role, permission)),
        key=lambda authority: authority.name,
    )


def request_by_reference(user, text: str) -> Request | None:
    """A request of the agent's authorities by its reference (typing mistakes forgiven)."""
    canonical = normalise_reference(text)
    if canonical is None:
        return None
    return (
        Request.objects.filter(reference=canonical, authority_id__in=authority_ids_for(user))
        .select_related("person", "authority")
        .first()
    )


def teams_of(authority_id: int) -> QuerySet[Team]:
    return Team.objects.filter(authority_id=authority_id).order_by("name")


def agents_of(authority_id: int):
    """The active users who work for the authority, by name."""
    return (
        get_user_model()
        .objects.filter(memberships__authority_id=authority_id, is_active=True)
        .order_by("last_name", "first_name", "username")
    )


def hand_off_targets(request: Request) -> QuerySet[Authority]:
    """Active authorities on the platform the request may be handed to."""
    return Authority.objects.filter(is_active=True).exclude(pk=request.authority_id)


def attachment_of(attachment_id) -> Attachment | None:
    """An attachment by id (the caller checks access to its request)."""
    try:
        return Attachment.objects.filter(pk=int(attachment_id)).first()
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class LinkedRequest:
    reference: str
    summary: str
    pk: int | None  # None when it belongs to an authority the agent does not work for
    kind: str  # "related", "duplicate_of" or "duplicate"


def linked_requests(user, request: Request) -> list[LinkedRequest]:
    """Related requests and duplicates, with a link only to those the agent may open."""
    visible = authority_ids_for(user)
    rows: list[tuple[Request, str]] = [(r, "related") for r in request.related.all()]
    if request.duplicate_of_id:
        rows.append((request.duplicate_of, "duplicate_of"))
    rows += [(r, "duplicate") for r in request.duplicates.all()]
    return [
        LinkedRequest(
            reference=r.reference,
            summary=r.summary if r.authority_id in visible else "",
            pk=r.pk if r.authority_id in visible else None,
            kind=kind,
        )
        for r, kind in rows
    ]


@dataclass(frozen=True)
class PersonRequests:
    visible: list[Request]
    hidden_count: int


def person_requests_for(user, person: Person) -> PersonRequests:
    """All requests of `person`: those of the agent's authorities, and how many others."""
    visible_ids = authority_ids_for(user)
    rows = list(requests_of_person(person).select_related("service", "authority"))
    shown = [r for r in rows if r.authority_id in visible_ids]
    return PersonRequests(visible=shown, hidden_count=len(rows) - len(shown))


def person_events_for(user, events: list[Event]) -> tuple[list[Event], int]:
    """A person's journal events the agent may read: platform-wide ones and their authorities'."""
    visible_ids = authority_ids_for(user)
    shown = [e for e in events if e.authority_id is None or e.authority_id in visible_ids]
    return shown, len(events) - len(shown)


@dataclass(frozen=True)
class OverdueRow:
    request: Request
    factor: float


def overdue_requests(
    authorities: list[Authority], *, at_least: float, now: datetime
) -> list[OverdueRow]:
    """Open requests of `authorities` that have waited at least `at_least` times their
    promise (core.calendar.overdue_factor), the longest overdue first."""
    # Only past-due rows can reach a factor of 1; the factor itself is computed in Python
    # because it is a ratio of two durations per row.
    candidates = (
        Request.objects.filter(
            authority__in=authorities,
            in_queue=True,
            due_at__isnull=False,
            due_at__lt=now,
        )
        .select_related("service", "authority", "team", "assignee", "commune")
        .order_by("due_at")
    )
    rows = [
        OverdueRow(request=r, factor=overdue_factor(r.received_at, r.due_at, now))
        for r in candidates
    ]
    return sorted((row for row in rows if row.factor >= at_least), key=lambda row: -row.factor)


@dataclass(frozen=True)
class RuleLine:
    position: int
    sentence: str
    is_active: bool
    pk: int


def routing_rules_of(authority: Authority) -> list[RuleLine]:
    """The authority's routing rules in the order they are tried, as French sentences."""
    rules = (
        RoutingRule.objects.filter(authority=authority)
        .select_related("service", "service_category", "team")
        .prefetch_related("communes", "areas")
        .order_by("position", "id")
    )
    return [
        RuleLine(position=n, sentence=rule_sentence(rule), is_active=rule.is_active, pk=rule.pk)
        for n, rule in enumerate(rules, start=1)
    ]


def rule_sentence(rule: RoutingRule) -> str:
    conditions = []
    if rule.service_id:
        conditions.append(f"service = « {rule.service.name} »")
    if rule.service_category_id:
        conditions.append(f"catégorie de service = « {rule.service_category.name} »")
    if rule.person_category:
        label = dict(Category.choices).get(rule.person_category, rule.person_category)
        conditions.append(f"usager = {label}")
    communes = sorted(c.name for c in rule.communes.all())
    if communes:
        conditions.append(
            ("commune = " if len(communes) == 1 else "commune parmi ") + ", ".join(communes)
        )
    areas = sorted(a.name for a in rule.areas.all())
    if areas:
        conditions.append(
            ("secteur = " if len(areas) == 1 else "secteur parmi ")
            + ", ".join(f"« {name} »" for name in areas)
        )
    if rule.field_name:
        conditions.append(f"réponse « {rule.field_name} » = « {rule.field_value} »")
    target = f"équipe « {rule.team.name} »"
    if not conditions:
        return f"Dans tous les cas → {target}"
    return "Si " + " et ".join(conditions) + f" → {target}"


def persons_by_reference(user, text: str) -> list[Person]:
    """The person behind a request reference of the agent's authorities (intake search)."""
    found = request_by_reference(user, text)
    return [found.person] if found is not None else []


def person_or_none(pk) -> Person | None:
    try:
        return (
            Person.objects.filter(pk=int(pk), merged_into__isnull=True)
            .select_related("commune")
            .first()
        )
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Departure:
    """A request one of the agent's authorities handed off: what that authority knew when it
    let it go, nothing that happened after."""

    reference: str
    service: str
    from_authority: str
    to_authority: str
    reason: str
    at: datetime
    by: str


def departure_of(user, pk) -> Departure | None:
    """The last hand-off of request `pk` by one of the agent's authorities (None when there is
    none: the request is missing, or was never theirs)."""
    authority_ids = authority_ids_for(user)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not authority_ids:
        return None
    event = (
        Event.objects.filter(
            case_id=pk,
            kind=HANDED_OFF,
            payload__from_authority_id__in=sorted(authority_ids),
        )
        .select_related("actor_user")
        .order_by("-occurred_at", "-id")
        .first()
    )
    request = Request.objects.filter(pk=pk).select_related("service").first()
    if event is None or request is None:
        return None
    payload = event.payload
    return Departure(
        reference=request.reference,
        service=request.service.name,
        from_authority=payload.get("from_authority", ""),
        to_authority=payload.get("to_authority", ""),
        reason=payload.get("reason", ""),
        at=event.occurred_at,
        by=str(event.actor_user) if event.actor_user else "",
    )


def filed_by(user, pk) -> Request | None:
    """A request `user` filed themselves (at the counter, by phone or mail), whichever
    authority handles it: its receipt is theirs to print."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not user.is_authenticated:
        return None
    return (
        Request.objects.filter(pk=pk, filed_by=user)
        .select_related("service", "authority", "person")
        .first()
    )
