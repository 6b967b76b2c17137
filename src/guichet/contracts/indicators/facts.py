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

from django.db.models import Min, QuerySet

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
    received_at: datetime
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


def facts_for(contract: Contract, since: date, until: date) -> list[Fact]:
    """Every covered request's row, oldest first."""
    requests = covered_requests(contract, since, until)
    rows = list(
        requests.order_by("received_at", "pk").values_list(
            "pk", "reference", "service_id", "commune_id", "received_at", "resolved_at",
            "due_at", "pauses", "commune__departement__code",
        )
    )  # fmt: skip
    if not rows:
        return []
    ids = requests.values("pk")
    firsts: dict[int, datetime] = {}
    chased: set[int] = set()
    replied: set[int] = set()
    for case_id, kind, first in (
        Event.objects.filter(case_id__in=ids, kind__in=(case_events.MESSAGE_SENT, *CHASERS))
        .values("case_id", "kind")
        .annotate(first=Min("occurred_at"))
        .values_list("case_id", "kind", "first")
    ):
        if kind == case_events.MESSAGE_SENT:
            firsts[case_id] = first
        elif kind == case_events.CONTACT_RECORDED:
            chased.add(case_id)
        else:
            replied.add(case_id)
    answers = _answers(ids)
    facts = []
    for pk, reference, service, commune, received, resolved, due, pauses, dept in rows:
        local = received.astimezone(PARIS)
        fact = Fact(pk, reference, service, commune, date(local.year, local.month, 1), received)
        answered = firsts.get(pk)
        if resolved is not None and (answered is None or resolved < answered):
            answered = resolved
        if answered is not None:
            fact.answer_days = calendar.working_days_between(received, answered, departement=dept)
        if resolved is not None:
            fact.resolve_days = working_days_taken(received, resolved, pauses, dept)
            fact.within_promise = None if due is None else resolved <= due
            fact.first_contact = pk not in chased and pk not in replied
        fact.repeat = pk in chased
        found = answers.get(pk)
        if found is not None:
            fact.score, fact.complaint, fact.comments = found
        facts.append(fact)
    return facts


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
