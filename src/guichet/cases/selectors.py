"""Reads for lists and screens: the agent queue, timelines, "my requests" (delay estimates
beside the promise: `promises`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, F, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from guichet.authorities.access import authority_ids_for
from guichet.authorities.selectors import authority_by_id, team_by_id
from guichet.cases import events
from guichet.cases.models import Message, PublicStatus, Request
from guichet.catalogue.selectors import service_by_id
from guichet.core import calendar, rows
from guichet.core.models import Event
from guichet.territory.selectors import commune_by_id

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from guichet.core.models import User
    from guichet.people.models import Person

OPEN_STATUSES = (PublicStatus.ONGOING, PublicStatus.ACTION_NEEDED)
# A deadline not yet passed is at risk with this many working days left or fewer.
AT_RISK_WORKING_DAYS = 2


@dataclass(frozen=True)
class QueueFilters:
    state: str = ""
    public_status: str = ""
    service: int | None = None
    team: int | None = None
    channel: str = ""
    overdue: bool = False
    assigned_to_me: bool = False
    open_only: bool = True
    search: str = ""


def queue_for_agent(
    user: User | AnonymousUser,
    filters: QueueFilters = QueueFilters(),  # noqa: B008
    *,
    authority_ids: set[int] | None = None,
    now: datetime | None = None,
) -> QuerySet[Request]:
    """The requests of the agent's authorities, filtered, most urgent first.

    `authority_ids` is `authority_ids_for(user)` when the caller already has it; `now` the
    moment the page counts from (`queue_counts` must get the same one). Each row
    comes with its person and assignee; give the page's rows their service, team and commune
    with `with_reference_objects` (from the reference cache: joining those tables made
    PostgreSQL spend 10–20 ms planning every page, more than running it).
    """
    if authority_ids is None:
        authority_ids = authority_ids_for(user)
    requests = (
        Request.objects.filter(authority_id__in=authority_ids)
        .select_related("person", "assignee")
        # A list never needs the big JSON columns: form answers, pauses.
        .defer("form_data", "pauses")
    )
    if filters.open_only and not filters.state and not filters.public_status:
        requests = requests.filter(in_queue=True)  # never a test request (ADR 0027)
    else:
        requests = requests.filter(is_test=False)
    if filters.state:
        requests = requests.filter(state=filters.state)
    if filters.public_status:
        requests = requests.filter(public_status=filters.public_status)
    if filters.service:
        requests = requests.filter(service_id=filters.service)
    if filters.team:
        requests = requests.filter(team_id=filters.team)
    if filters.channel:
        requests = requests.filter(channel=filters.channel)
    if filters.overdue:
        requests = requests.filter(deadline_conditions(now or timezone.now()).overdue)
    if filters.assigned_to_me:
        requests = requests.filter(assignee=user) if user.is_authenticated else requests.none()
    if filters.search:
        text = filters.search.strip()
        requests = requests.filter(
            Q(reference__iexact=text)
            | Q(summary__icontains=text)
            | Q(person__last_name__icontains=text)
        )
    return requests.order_by(F("due_at").asc(nulls_last=True), "received_at")


def with_reference_objects(requests: Iterable[Request]) -> list[Request]:
    """`requests` with their service, authority, team and commune (with its département) set
    from the reference cache (`core.refcache`): no query. The objects are shared: read only."""
    found = list(requests)
    for request in found:
        service = service_by_id(request.service_id)
        authority = authority_by_id(request.authority_id)
        if service is not None:  # else (deleted meanwhile) Django's own lazy look-up
            request.service = service
        if authority is not None:
            request.authority = authority
        request.team = team_by_id(request.team_id) if request.team_id else None
        request.commune = commune_by_id(request.commune_id) if request.commune_id else None
    return found


@dataclass(frozen=True)
class DeadlineConditions:
    overdue: Q
    at_risk: Q


def deadline_conditions(now: datetime) -> DeadlineConditions:
    """Overdue and at risk as conditions on request rows: the definition the deadline badge
    (`core.calendar.deadline_state`) applies to one row, so that counts and rows agree.

    Overdue once `now` is after the due moment; at risk when not overdue and at most
    AT_RISK_WORKING_DAYS working days are left, in the holidays of the commune's département
    (`calendar.at_risk_before`: one bound per calendar, the département only looked at when
    a local holiday moves the bound).
    """
    national = calendar.at_risk_before(now, working_days=AT_RISK_WORKING_DAYS)
    local: dict[datetime, list[str]] = {}
    for code in calendar.departements_with_local_holidays():
        bound = calendar.at_risk_before(now, working_days=AT_RISK_WORKING_DAYS, departement=code)
        if bound != national:
            local.setdefault(bound, []).append(code)
    near = Q(due_at__lt=national)
    if local:
        codes = [code for group in local.values() for code in group]
        near &= ~Q(commune__departement__code__in=codes)
        for bound, group in local.items():
            near |= Q(due_at__lt=bound, commune__departement__code__in=group)
    return DeadlineConditions(overdue=Q(due_at__lt=now), at_risk=Q(due_at__gte=now) & near)


def queue_counts(
    user: User | AnonymousUser,
    *,
    authority_ids: set[int] | None = None,
    now: datetime | None = None,
) -> dict[str, int]:
    """Open requests of the agent's authorities: total, waiting for the user, overdue, at risk.

    Counted on the rows `queue_for_agent` lists by default, with the badges' definitions
    (`deadline_conditions`) at the same `now`: never cache one without the other.
    """
    conditions = deadline_conditions(now or timezone.now())
    # Read from the open-queue index (it carries public_status), not from the table, unless
    # a local holiday makes the département matter.
    return (
        queue_for_agent(user, authority_ids=authority_ids)
        .order_by()
        .aggregate(
            open=Count("id"),
            waiting_user=Count("id", filter=Q(public_status=PublicStatus.ACTION_NEEDED)),
            overdue=Count("id", filter=conditions.overdue),
            at_risk=Count("id", filter=conditions.at_risk),
        )
    )


def timeline(request: Request) -> QuerySet[Event]:
    """The request's history from the journal as agents see it (who did what); the person's
    is `person_timeline`."""
    history = Event.objects.filter(case_id=request.pk).select_related("actor_user")
    return history.order_by("occurred_at", "id")


def person_timeline(request: Request) -> list[Event]:
    """What the person may see of the request's history (never which agent did it: no join
    to the users), oldest first; read with a precompiled statement (`core.rows`): the tracking
    page is the busiest page of the portal."""
    return rows.select(
        Event, "case_id = %s AND visible_to_person = %s", [request.pk, True],
        order_by="occurred_at, id",
    )  # fmt: skip


def person_conversation(request: Request) -> list[Message]:
    """The messages the person may see (never which agent wrote, nor internal notes), read
    like `person_timeline`."""
    messages = rows.select(
        Message, "request_id = %s AND is_internal = %s", [request.pk, False],
        order_by="created_at, id",
    )  # fmt: skip
    prefetch_related_objects(messages, "attachments")  # no query when there is no message
    return messages


def conversation(request: Request) -> QuerySet[Message]:
    """The request's messages as agents see them, internal notes included; the person's is
    `person_conversation`."""
    return request.messages.prefetch_related("attachments").select_related("author_user")


def requests_of_person(person: Person) -> QuerySet[Request]:
    """Every request of the person, across every authority, newest first."""
    return (
        Request.objects.filter(person=person)
        .select_related("service", "authority")
        .order_by("-received_at")
    )


def repeat_contacts(request: Request) -> int:
    return Event.objects.filter(case_id=request.pk, kind=events.CONTACT_RECORDED).count()
