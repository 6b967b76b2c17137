"""One row per request a contract covers, with everything its indicators need: read from the
requests, the journal (first answer, the person's replies and chasers) and the satisfaction
answers, in a handful of queries whatever the period.

A request is covered when the operator handles it (its authority), for one of the contract's
services, in one of its communes, received within the period (Europe/Paris days).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.db.models import BooleanField, Case, F, Min, QuerySet, Value, When
from django.db.models.functions import TruncDate

from guichet.cases import events as case_events
from guichet.cases.models import Request
from guichet.cases.promises import working_days_taken
from guichet.contracts.models import Contract
from guichet.core import calendar
from guichet.core.calendar import PARIS
from guichet.core.models import Event
from guichet.satisfaction.models import Answer
from guichet.territory.models import Commune

CHASERS = (case_events.PERSON_REPLIED, case_events.CONTACT_RECORDED)


@dataclass(slots=True)
class Fact:
    """What one request contributes to the indicators (None: not in that population)."""

    request_id: int
    reference: str
    service_id: int
    commune_id: int
    month: date  # first day of the month it was received (Paris)
    received_on: date  # the Paris day it was received
    answer_days: int | None = None  # working days to the first answer
    resolve_days: int | None = None  # working days to resolution, without the person's waits
    within_promise: bool | None = None  # resolved by its due date (None: no promise or open)
    first_contact: bool | None = None  # resolved with no reply nor chaser (None: not resolved)
    repeat: bool = False  # chased at least once
    score: int | None = None  # the latest satisfaction score
    complaint: bool = False  # a satisfaction answer said « non résolu »
    comments: tuple[str, ...] = ()  # the residents' satisfaction comments (raw: anonymise!)


def period_bounds(since: date, until: date) -> tuple[datetime, datetime]:
    """[start of `since`, start of the day after `until`) in Europe/Paris."""
    start = datetime.combine(since, time.min, tzinfo=PARIS)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=PARIS)
    return start, end


def covered_requests(contract: Contract, since: date, until: date) -> QuerySet[Request]:
    """The requests the contract covers in [since, until] (clipped to the contract's dates)."""
    since, until = max(since, contract.starts_on), min(until, contract.ends_on)
    start, end = period_bounds(since, until)
    return Request.objects.filter(
        authority_id=contract.operator_id,
        is_test=False,
        received_at__gte=start,
        received_at__lt=end,
        service_id__in=list(contract.services.values_list("pk", flat=True)),
        commune_id__in=list(contract.communes.values_list("pk", flat=True)),
    )


@lru_cache(maxsize=200_000)
def _working_days(first: int, last: int, departement: str | None) -> int:
    """`core.calendar.working_days_between` for two Paris days (ordinals), remembered: a
    year of requests has a few thousand distinct (day, day) pairs."""
    return calendar.working_days_between(
        calendar.end_of_day(date.fromordinal(first)),
        calendar.end_of_day(date.fromordinal(last)),
        departement=departement,
    )


def facts_for(contract: Contract, since: date, until: date) -> list[Fact]:
    """Every covered request's row, oldest first. Days are Paris days computed by the
    database; working days by `core.calendar` (the promises' own count)."""
    requests = covered_requests(contract, since, until)
    within = Case(
        When(resolved_at__isnull=True, then=Value(None)),
        When(due_at__isnull=True, then=Value(None)),
        When(resolved_at__lte=F("due_at"), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(null=True),
    )
    rows = list(
        requests.order_by("received_at", "pk")
        .annotate(
            received_day=TruncDate("received_at", tzinfo=PARIS),
            resolved_day=TruncDate("resolved_at", tzinfo=PARIS),
            within=within,
            waited=Case(When(pauses=[], then=Value(False)), default=Value(True)),
        )
        .values_list(
            "pk", "reference", "service_id", "commune_id", "received_day", "resolved_day",
            "within", "waited", "commune__departement__code",
        )
    )  # fmt: skip
    if not rows:
        return []
    ids = requests.values("pk")
    firsts: dict[int, date] = {}
    chased: set[int] = set()
    replied: set[int] = set()
    for case_id, kind, first in (
        Event.objects.filter(case_id__in=ids, kind__in=(case_events.MESSAGE_SENT, *CHASERS))
        .values("case_id", "kind")
        .annotate(first=Min(TruncDate("occurred_at", tzinfo=PARIS)))
        .values_list("case_id", "kind", "first")
    ):
        if kind == case_events.MESSAGE_SENT:
            firsts[case_id] = first
        elif kind == case_events.CONTACT_RECORDED:
            chased.add(case_id)
        else:
            replied.add(case_id)
    answers = _answers(ids)
    paused = _paused_durations(requests, [row[0] for row in rows if row[7]])
    facts = []
    for pk, reference, service, commune, received, resolved, kept, _waited, dept in rows:
        start = received.toordinal()
        fact = Fact(pk, reference, service, commune, received.replace(day=1), received)
        answered = firsts.get(pk)
        if resolved is not None and (answered is None or resolved < answered):
            answered = resolved
        if answered is not None:
            fact.answer_days = _working_days(start, answered.toordinal(), dept)
        if resolved is not None:
            fact.resolve_days = (
                paused[pk]
                if pk in paused
                else max(_working_days(start, resolved.toordinal(), dept), 0)
            )
            fact.within_promise = kept
            fact.first_contact = pk not in chased and pk not in replied
        fact.repeat = pk in chased
        found = answers.get(pk)
        if found is not None:
            fact.score, fact.complaint, fact.comments = found
        facts.append(fact)
    return facts


def _paused_durations(requests: QuerySet[Request], ids: list[int]) -> dict[int, int]:
    """Working days to resolution less the person's waits, for the few requests that waited."""
    if not ids:
        return {}
    return {
        pk: working_days_taken(received, resolved, pauses, dept)
        for pk, received, resolved, pauses, dept in requests.filter(
            pk__in=ids, resolved_at__isnull=False
        ).values_list("pk", "received_at", "resolved_at", "pauses", "commune__departement__code")
    }


def _answers(ids) -> dict[int, tuple[int, bool, tuple[str, ...]]]:
    """request id → (latest score, any « non résolu », the comments) of its survey answers."""
    found: dict[int, tuple[int, bool, tuple[str, ...]]] = {}
    for request_id, score, resolved, comment in (
        Answer.objects.filter(survey__request_id__in=ids)
        .order_by("answered_at", "pk")
        .values_list("survey__request_id", "score", "resolved", "comment")
    ):
        _, complaint, comments = found.get(request_id, (0, False, ()))
        found[request_id] = (
            score,
            complaint or not resolved,
            (*comments, comment) if comment.strip() else comments,
        )
    return found


def commune_names(ids: Iterable[int]) -> dict[int, str]:
    return dict(Commune.objects.filter(pk__in=set(ids)).values_list("pk", "name"))
