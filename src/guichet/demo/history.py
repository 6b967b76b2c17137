"""Months of believable request history, replayed through the real actions.

Every step (filing, taking in charge, a question to the person, the answer, a hand-off, the
resolution, a person calling again because nothing happens) is a call to a `cases.actions`
function inside `clock.frozen_at(moment)`, so the journal carries past timestamps and looks
like a real platform's: the journeys app, the queues and the delay estimates read it as is.

The simulation is a calendar of scheduled steps replayed in time order, one transaction per
day. What is due after "now" is not replayed, so recent requests are still open. The replay
runs inside `journal.replaying()`: it queues no notification (nobody is told about the past).
Deterministic for a seed (the references and tracking secrets stay random).
"""

from __future__ import annotations

import heapq
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import count
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from guichet.authorities.models import Authority
from guichet.cases import actions
from guichet.cases.actions import IntakeError
from guichet.cases.channels import channels
from guichet.cases.models import Request
from guichet.cases.workflow import IllegalTransition
from guichet.catalogue.formdef import parse_form_definition
from guichet.catalogue.models import Channel, Service
from guichet.core import calendar, clock, journal
from guichet.core.calendar import PARIS
from guichet.core.journal import Actor
from guichet.demo.answers import answer
from guichet.demo.world import DEMO_COMMUNES
from guichet.people.models import Person

# How often each service is asked for, and how slow its teams are (1.0: on time on average).
SERVICES = {
    "signalement-voirie": (22, 1.3),
    "depot-sauvage": (10, 0.9),
    "eclairage-public-en-panne": (8, 1.1),
    "arbre-dangereux": (3, 0.7),
    "encombrants": (14, 1.5),
    "bac-abime-collecte": (10, 1.0),
    "bruit-nuisances": (5, 1.6),
    "assainissement": (3, 1.2),
    "acte-de-naissance": (8, 0.4),
    "rendez-vous-passeport-cni": (6, 0.6),
    "question-generale": (8, 0.8),
    "reservation-salle-municipale": (3, 0.7),
    "aide-sociale-ccas": (2, 0.9),
    "route-departementale": (2, 1.8),
}
CHANNELS = {"web": 55, "phone": 20, "counter": 12, "email": 8, "mail": 5}
CONTACT_CHANNELS = {"phone": 45, "email": 35, "counter": 20}
WORKDAY_START, WORKDAY_MINUTES = time(8, 30), 9 * 60
NO_PROMISE_DAYS = 5  # services without a promised delay are still handled in about a week
QUESTION_RATE, ANSWER_RATE = 0.15, 0.8
REJECT_RATE, REOPEN_RATE, HAND_OFF_RATE = 0.06, 0.03, 0.06
QUALIFY_RATE, ASSIGN_RATE = 0.15, 0.5
# Resolved requests not closed by hand are closed later by the platform's nightly job.
CLOSE_RATE = 0.5
MAX_CONTACTS = 4
# A tiny but real PDF for the scanned paper letters.
LETTER = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class HistoryReport:
    filed: int = 0
    refused: int = 0
    still_open: int = 0
    steps: Counter = field(default_factory=Counter)


@dataclass
class _Case:
    request: Request
    slowness: float
    patience: float  # working days without news before the person gets in touch again
    last_news: datetime
    contacts: int = 0
    hand_offs: int = 0


Step = Callable[["_History", _Case], None]


def build_history(
    *,
    months: int = 6,
    requests: int = 3000,
    seed: int = 2026,
    progress: Callable[[int, int], None] | None = None,
    until: datetime | None = None,
) -> HistoryReport:
    """Replay `requests` requests received over the last `months` months on the demo world.

    Needs the demo world (`guichet.demo.world.build_world`): its persons, authorities and
    agents ("instructeur.<slug>", "accueil.<slug>"). `progress(days_done, days_total)` is
    called after each simulated day. The history ends at `until` (now by default); the same
    seed and end day give the same history.
    """
    history = _History(months=months, requests=requests, seed=seed, until=until)
    return history.run(progress)


class _History:
    def __init__(self, *, months: int, requests: int, seed: int, until: datetime | None) -> None:
        self.rng = random.Random(seed)
        self.end = until or clock.now()
        first_day = _local_day(self.end) - timedelta(days=round(months * 30.4))
        self.start = datetime.combine(first_day, time(), tzinfo=PARIS)
        self.filed: list[int] = []
        self.count = requests
        self.report = HistoryReport()
        self.queue: list[tuple[datetime, int, Step, _Case | None, Any]] = []
        self.sequence = count()
        self.persons = list(
            Person.objects.filter(merged_into__isnull=True, commune__code__in=DEMO_COMMUNES)
            .select_related("commune__departement")
            .prefetch_related("identities")
            .order_by("pk")
        )
        if not self.persons:
            raise ValueError(
                "Aucun usager de démonstration : construisez d'abord le monde (guichet demo)."
            )
        found = {s.slug: s for s in Service.objects.filter(slug__in=SERVICES, is_active=True)}
        self.services = [found[slug] for slug in SERVICES if slug in found]
        self.weights = [SERVICES[s.slug][0] for s in self.services]
        self.forms = {s.slug: parse_form_definition(s.form_definition) for s in self.services}
        users = get_user_model().objects.filter(username__contains=".")
        self.users = {user.username: user for user in users}
        self.commune_authority = {
            a.commune_id: a for a in Authority.objects.filter(commune__isnull=False)
        }
        self.authorities = {a.pk: a for a in Authority.objects.select_related("intercommunality")}
        self.memberships: dict[int, set[int]] = {}

    # --- the calendar ---------------------------------------------------------------------

    def schedule(self, moment: datetime, step: Step, case: _Case | None = None, data=None):
        heapq.heappush(self.queue, (moment, next(self.sequence), step, case, data))

    def run(self, progress) -> HistoryReport:
        for moment in sorted(self._arrival(index) for index in range(self.count)):
            self.schedule(moment, _History.file)
        first, last = _local_day(self.start), _local_day(self.end)
        total = (last - first).days + 1
        for index in range(total):
            day_end = datetime.combine(first + timedelta(days=index + 1), time(), tzinfo=PARIS)
            # The past is replayed, not lived: no receipt, status or survey message is queued
            # for it (the first worker would otherwise "send" thousands of old e-mails).
            with transaction.atomic(), journal.replaying():
                while self.queue and self.queue[0][0] < min(day_end, self.end):
                    moment, _, step, case, data = heapq.heappop(self.queue)
                    with clock.frozen_at(moment):
                        self._take(step, case, data)
            if progress:
                progress(index + 1, total)
        self.report.still_open = Request.objects.filter(
            pk__in=self.filed, public_status__in=("ongoing", "action_needed")
        ).count()
        return self.report

    def _take(self, step: Step, case: _Case | None, data) -> None:
        try:
            if case is None:
                step(self, data)
            else:
                step(self, case)
        except IllegalTransition:
            # The request moved meanwhile (reopened, cancelled): this step no longer applies.
            self.report.steps["skipped"] += 1

    def _arrival(self, index: int) -> datetime:
        # Drawn over whole days, so that the same end day gives the same arrivals.
        span = (_local_day(self.end) - _local_day(self.start)).days * 86400.0
        while True:
            moment = self.start + timedelta(seconds=self.rng.random() * span)
            local = moment.astimezone(PARIS)
            # Fewer requests at night and at weekends: keep the draw with a time-of-day weight.
            weight = 1.0 if 8 <= local.hour < 20 else 0.15
            if local.weekday() >= 5:
                weight *= 0.4
            if self.rng.random() < weight and moment < self.end:
                return moment

    # --- time helpers ---------------------------------------------------------------------

    def later(self, days: float, case: _Case | None = None) -> datetime:
        """The moment `days` working days (of 9 hours) after now, in working hours."""
        return _after_working_time(clock.now(), days, _departement(case))

    def jitter(self, mean: float) -> float:
        return mean * self.rng.lognormvariate(0, 0.6)

    # --- the steps ------------------------------------------------------------------------

    def file(self, _data) -> None:
        service = self.rng.choices(self.services, weights=self.weights)[0]
        person = self.rng.choice(self.persons)
        channel = self.rng.choices(list(CHANNELS), weights=list(CHANNELS.values()))[0]
        if service.channels and channel not in service.channels:
            channel = Channel.WEB
        front_desk = self._agent("accueil", self.commune_authority.get(person.commune_id))
        if channels[channel].filed_by_agent and front_desk is None:
            channel = Channel.WEB
        filed_by = front_desk if channels[channel].filed_by_agent else None
        try:
            request = actions.submit_request(
                service=service, person=person, channel=channel,
                actor=Actor.agent(filed_by) if filed_by else Actor.person(person),
                form_data=self._answers(service, person), commune=person.commune,
                filed_by=filed_by,
                letter=SimpleUploadedFile("courrier.pdf", LETTER) if channel == "mail" else None,
            )  # fmt: skip
        except IntakeError:
            self.report.refused += 1
            return
        self.report.filed += 1
        self.filed.append(request.pk)
        slowness = SERVICES[service.slug][1] * self.rng.uniform(0.7, 1.3)
        case = _Case(request, slowness, self.rng.uniform(4, 12), clock.now())
        self.schedule(self.later(self.jitter(0.8 * slowness), case), _History.take, case)
        self.schedule(self.later(case.patience, case), _History.chase, case)

    def take(self, case: _Case) -> None:
        request = case.request
        handler = self._agent("instructeur", request.authority)
        if handler is None:
            return
        upper = self._intercommunality_of(request)
        if upper and not case.hand_offs and self.rng.random() < HAND_OFF_RATE:
            case.request = actions.hand_off(
                request=request, to_authority=upper, actor=Actor.agent(handler),
                reason="Ne relève pas de la compétence communale : transmise à "
                f"{upper.name}.",
            )  # fmt: skip
            case.hand_offs += 1
            case.last_news = clock.now()
            self.report.steps["hand_off"] += 1
            self.schedule(self.later(self.jitter(case.slowness), case), _History.take, case)
            return
        if self.rng.random() < QUALIFY_RATE and (desk := self._agent("accueil", request.authority)):
            request = self._move(request, "qualified", desk, "front_desk")
        if self.rng.random() < ASSIGN_RATE:
            request = actions.assign(request=request, actor=Actor.agent(handler), assignee=handler)
        case.request = self._move(request, "in_progress", handler, "case_handler")
        case.last_news = clock.now()
        self.report.steps["taken"] += 1
        if self.rng.random() < QUESTION_RATE:
            self.schedule(self.later(self.jitter(1.0), case), _History.ask, case)
        else:
            self.schedule(self.later(self._handling_days(case), case), _History.resolve, case)

    def ask(self, case: _Case) -> None:
        handler = self._agent("instructeur", case.request.authority)
        case.request = self._move(
            case.request, "waiting_user", handler, "case_handler",
            "Pourriez-vous nous préciser l'adresse exacte et joindre une photo ?",
        )  # fmt: skip
        case.last_news = clock.now()
        self.report.steps["question"] += 1
        if self.rng.random() < ANSWER_RATE:
            self.schedule(self.later(self.jitter(1.5), case), _History.answer, case)
        else:
            self.schedule(self.later(15, case), _History.give_up, case)

    def answer(self, case: _Case) -> None:
        channel = self.rng.choice(["web", "web", "email"])
        actions.reply_as_person(
            request=case.request, actor=Actor.person(case.request.person), channel=channel,
            body="Voici les précisions demandées : c'est en face du numéro 12.",
        )  # fmt: skip
        case.request.refresh_from_db()
        self.report.steps["answer"] += 1
        self.schedule(self.later(0.6 * self._handling_days(case), case), _History.resolve, case)

    def give_up(self, case: _Case) -> None:
        handler = self._agent("instructeur", case.request.authority)
        case.request = self._move(
            case.request, "cancelled", handler, "case_handler",
            "Sans réponse de votre part, nous classons cette demande sans suite.",
        )  # fmt: skip
        self.report.steps["abandoned"] += 1
        self.schedule(self.later(2, case), _History.close, case)

    def resolve(self, case: _Case) -> None:
        handler = self._agent("instructeur", case.request.authority)
        if case.request.state == "received":
            return
        if self.rng.random() < REJECT_RATE:
            target, note = "rejected", "Votre demande ne peut pas aboutir : hors du domaine public."
        else:
            target, note = "resolved", "C'est fait : l'intervention a eu lieu."
        case.request = self._move(case.request, target, handler, "case_handler", note)
        case.last_news = clock.now()
        self.report.steps[target] += 1
        if target == "resolved" and self.rng.random() < REOPEN_RATE:
            self.schedule(self.later(self.rng.uniform(1, 4), case), _History.reopen, case)
        elif self.rng.random() < CLOSE_RATE:
            self.schedule(self.later(10, case), _History.close, case)

    def reopen(self, case: _Case) -> None:
        case.request = actions.change_status(
            request=case.request, to="in_progress", actor=Actor.person(case.request.person),
            role="person", note="Ce n'est pas résolu : le problème est toujours là.",
        )  # fmt: skip
        case.last_news = clock.now()
        self.report.steps["reopened"] += 1
        self.schedule(self.later(0.5 * self._handling_days(case), case), _History.resolve, case)

    def close(self, case: _Case) -> None:
        state = case.request.state
        if state in ("resolved", "cancelled"):
            case.request = actions.change_status(
                request=case.request, to="closed", actor=Actor.system("clôture automatique"),
                role="system",
            )  # fmt: skip
        elif state == "rejected":
            handler = self._agent("instructeur", case.request.authority)
            case.request = self._move(case.request, "closed", handler, "case_handler")
        else:
            return
        self.report.steps["closed"] += 1

    def chase(self, case: _Case) -> None:
        """The person gets in touch when nothing has happened for a while (slower: more)."""
        request = case.request
        if not request.is_open or case.contacts >= MAX_CONTACTS:
            return
        waited = clock.now() - case.last_news
        if request.state == "waiting_user" or waited < timedelta(days=case.patience):
            self.schedule(self.later(case.patience, case), _History.chase, case)
            return
        channel = self.rng.choices(list(CONTACT_CHANNELS), weights=CONTACT_CHANNELS.values())[0]
        desk = self._agent("accueil", request.authority)
        actor = Actor.person(request.person) if channel == "email" or desk is None else None
        actions.record_contact(
            request=request, channel=channel, actor=actor or Actor.agent(desk),
            note="L'usager demande où en est sa demande.",
        )  # fmt: skip
        case.contacts += 1
        self.report.steps["repeat_contact"] += 1
        self.schedule(self.later(case.patience, case), _History.chase, case)

    # --- helpers --------------------------------------------------------------------------

    def _move(self, request, target, user, role, note=""):
        return actions.change_status(
            request=request, to=target, actor=Actor.agent(user), role=role, note=note
        )

    def _agent(self, prefix: str, authority: Authority | None):
        return self.users.get(f"{prefix}.{authority.slug}") if authority is not None else None

    def _intercommunality_of(self, request: Request) -> Authority | None:
        """For a request at a commune: the commune's intercommunality, if on the platform."""
        if request.authority.kind != Authority.Kind.COMMUNE or request.commune_id is None:
            return None
        member_of = self.memberships.get(request.commune_id)
        if member_of is None:
            member_of = set(request.commune.intercommunalities.values_list("pk", flat=True))
            self.memberships[request.commune_id] = member_of
        for authority in self.authorities.values():
            home = authority.intercommunality_id in member_of and authority.is_active
            if home and (authority.intercommunality.kind == "EPT" or len(member_of) == 1):
                return authority
        return None

    def _handling_days(self, case: _Case) -> float:
        promise = case.request.service.sla_working_days or NO_PROMISE_DAYS
        return max(0.2, promise * self.jitter(0.7 * case.slowness))

    def _answers(self, service: Service, person: Person) -> dict[str, Any]:
        """Plausible answers to every field (hidden ones are dropped by the validation)."""
        answers: dict[str, Any] = {}
        for item in self.forms[service.slug].fields:
            value = answer(self.rng, item, person)
            if value is not None:
                answers[item.name] = value
        return answers


def _local_day(moment: datetime) -> date:
    return moment.astimezone(PARIS).date()


def _departement(case: _Case | None) -> str | None:
    commune = case.request.commune if case is not None else None
    return commune.departement.code if commune is not None and commune.departement else None


def _after_working_time(moment: datetime, days: float, departement: str | None) -> datetime:
    """`days` working days of 9 hours after `moment`, landing within working hours."""
    local = moment.astimezone(PARIS)
    day = local.date()
    start = datetime.combine(day, WORKDAY_START, tzinfo=PARIS)
    offset = min(max((local - start).total_seconds() / 60, 0), WORKDAY_MINUTES)
    if not calendar.is_working_day(day, departement=departement):
        offset = 0
    remaining = offset + days * WORKDAY_MINUTES
    while not calendar.is_working_day(day, departement=departement):
        day += timedelta(days=1)
    while remaining >= WORKDAY_MINUTES:
        remaining -= WORKDAY_MINUTES
        day += timedelta(days=1)
        while not calendar.is_working_day(day, departement=departement):
            day += timedelta(days=1)
    landed = datetime.combine(day, WORKDAY_START, tzinfo=PARIS) + timedelta(minutes=remaining)
    return max(landed, moment + timedelta(seconds=1))
