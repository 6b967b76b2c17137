"""The demo's delegation contracts (issue 20, ADR 0038): Tours Métropole delegates waste
collection to Val de Loire Collecte (its requests come from the replayed history) and
sanitation to Eaux de Touraine (a year of requests replayed here, with answers, chasers and
surveys); both contracts carry the usual DSP commitments, with targets set so that a couple of
months miss them; the waste contract's annual report is generated at once.

Idempotent: a second run finds the contracts and does nothing.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from guichet.authorities import actions as authority_actions
from guichet.authorities.models import AgentMembership, Authority, Role
from guichet.backoffice.contracts.tasks import run_report
from guichet.cases import actions as cases
from guichet.catalogue.models import Service
from guichet.contracts import actions
from guichet.contracts.actions import IndicatorSpec
from guichet.contracts.indicators import compute
from guichet.contracts.models import Contract, Report
from guichet.contracts.models import IndicatorKind as K
from guichet.core import clock, journal
from guichet.core.calendar import PARIS
from guichet.core.journal import Actor
from guichet.people.models import Person
from guichet.satisfaction import actions as satisfaction
from guichet.territory.models import Commune

ACTOR = Actor.system("démonstration")
TOURS_POINT = {"lat": 47.3941, "lon": 0.6848}
COMMENTS = (
    "Intervention rapide et efficace, merci.",
    "Personne ne m'a rappelé, j'ai dû relancer deux fois.",
    "Le technicien était aimable mais le problème est revenu.",
    "Très bon suivi par courriel.",
)


@dataclass
class ContractsReport:
    contracts: int = 0
    breaches: int = 0
    report: str = ""
    seconds: float = 0.0


def build_contracts(password: str = "demo-guichet") -> ContractsReport:  # noqa: S107
    started = time.monotonic()
    out = ContractsReport()
    metropole = Authority.objects.filter(slug="tours-metropole").first()
    waste = Authority.objects.filter(slug="vdl-collecte").first()
    if metropole is None or waste is None or Contract.objects.filter(authority=metropole).exists():
        return out
    admin = Actor.system("démonstration : direction des délégations")
    today = clock.now().astimezone(PARIS).date()
    since = date(today.year, 1, 1)
    until = date(today.year, 12, 31)
    water = _water_operator(metropole, password)
    tours = Commune.objects.filter(code="37261").first()
    communes = [tours] if tours else []
    bins = list(Service.objects.filter(slug__in=["bac-abime-collecte", "encombrants"]))
    sanitation = list(Service.objects.filter(slug="assainissement"))
    if not communes or not bins or not sanitation:
        return out
    _replay_water(water, sanitation[0], tours, since, today)
    for operator, title, services in (
        (waste, f"DSP collecte des déchets {today.year}", bins),
        (water, f"DSP assainissement {today.year}", sanitation),
    ):
        contract = actions.create_contract(
            authority=metropole, operator=operator, title=title, reference=f"DEL-{today.year}-DSP",
            starts_on=since, ends_on=until, services=services, communes=communes, actor=admin,
            indicators=[IndicatorSpec(kind, 50 if DEF_SHARE[kind] else 1) for kind in K.values],
        )  # fmt: skip
        _targets_with_two_breaches(contract, since, today, admin)
        out.contracts += 1
        out.breaches += compute(contract, since, today).breach_count
    waste_contract = Contract.objects.get(operator=waste)
    report = actions.request_report(
        contract=waste_contract, period=Report.Period.YEAR, starts_on=since, actor=admin
    )
    out.report = run_report(report.pk)
    out.seconds = time.monotonic() - started
    return out


DEF_SHARE = {
    K.ANSWER_DELAY: False, K.RESOLVE_DELAY: False, K.WITHIN_PROMISE: True,
    K.FIRST_CONTACT: True, K.REPEAT_CONTACTS: True, K.SATISFACTION: False, K.COMPLAINTS: False,
}  # fmt: skip
PENALTIES = {K.ANSWER_DELAY: 500, K.WITHIN_PROMISE: 1500, K.COMPLAINTS: 300}


def _targets_with_two_breaches(contract: Contract, since: date, until: date, actor) -> None:
    """Each target set at the third-worst month's value: the two worst months miss it."""
    figures = compute(contract, since, until)
    specs = []
    for result in figures.results:
        values = [f.value for f in result.by_month.values() if f.value is not None]
        higher = result.definition.higher_is_better
        ordered = sorted(values, reverse=not higher)  # worst first
        target = ordered[2] if len(ordered) > 2 else (ordered[0] if ordered else 1)
        low, high = result.definition.bounds
        target = min(max(target, float(low)), float(high))
        specs.append(
            IndicatorSpec(
                result.indicator.kind, round(target, 2), 0, PENALTIES.get(result.indicator.kind)
            )
        )
    actions.change_contract(
        contract=contract, title=contract.title, starts_on=contract.starts_on,
        ends_on=contract.ends_on, services=list(contract.services.all()),
        communes=list(contract.communes.all()), indicators=specs, reference=contract.reference,
        actor=actor,
    )  # fmt: skip


def _water_operator(metropole: Authority, password: str) -> Authority:
    water = Authority.objects.filter(slug="eaux-touraine").first()
    if water is not None:
        return water
    water = authority_actions.create_authority(
        actor=ACTOR, kind=Authority.Kind.OPERATOR, name="Eaux de Touraine (délégataire)",
        slug="eaux-touraine", operator_sector="eau et assainissement",
    )  # fmt: skip
    team = authority_actions.create_team(
        actor=ACTOR, authority=water, name="Service clients", slug="clients", is_default=True
    )
    users = get_user_model()
    hashed = make_password(password)
    for prefix, role in (("instructeur", Role.CASE_HANDLER), ("responsable", Role.MANAGER)):
        username = f"{prefix}.eaux-touraine"
        user = users.objects.filter(username=username).first() or users.objects.create(
            username=username, email=f"{username}@guichet.localhost", password=hashed,
            first_name=prefix.capitalize(), last_name=water.name,
        )  # fmt: skip
        if not AgentMembership.objects.filter(user=user, authority=water).exists():
            authority_actions.add_agent(
                actor=ACTOR, user=user, authority=water, role=role, teams=[team]
            )
    service = Service.objects.get(slug="assainissement")
    authority_actions.record_delegation(
        actor=ACTOR, service=service, granting_authority=metropole, receiving_authority=water,
        communes=list(Commune.objects.filter(code="37261")), note="Contrat de DSP de démonstration",
    )  # fmt: skip
    return water


def _replay_water(water: Authority, service: Service, tours, since: date, today: date) -> None:
    """About ten sanitation requests a month since January, handled by the operator: most
    answered within days, a summer backlog (July, August) with chasers and late answers."""
    rng = random.Random(20)  # noqa: S311 — demo data
    people = list(Person.objects.filter(commune=tours).order_by("pk")[:60]) or list(
        Person.objects.order_by("pk")[:60]
    )
    agent = AgentMembership.objects.filter(authority=water, role=Role.CASE_HANDLER).first()
    if not people or agent is None:
        return
    handler = Actor.agent(agent.user)
    day = since
    while day < today - timedelta(days=3):
        summer = day.month in (7, 8)
        moment = datetime(
            day.year, day.month, day.day, 9 + rng.randrange(8), rng.randrange(60), tzinfo=PARIS
        )
        with transaction.atomic(), journal.replaying():
            person = rng.choice(people)
            with clock.frozen_at(moment):
                request = cases.submit_request(
                    service=service, person=person, channel="web", actor=Actor.person(person),
                    form_data={"demande": rng.choice(["debordement", "odeurs"]),
                               "emplacement": TOURS_POINT, "courriel": "usager@exemple.fr"},
                    commune=tours,
                )  # fmt: skip
            delay = rng.randint(6, 20) if summer else rng.randint(1, 7)
            answered = moment + timedelta(days=max(1, delay // 2))
            resolved = moment + timedelta(days=delay)
            if resolved.date() < today:
                with clock.frozen_at(moment + timedelta(hours=2)):
                    cases.change_status(
                        request=request, to="in_progress", actor=handler, role="case_handler"
                    )
                if summer and rng.random() < 0.6:
                    with clock.frozen_at(answered - timedelta(hours=3)):
                        cases.record_contact(request=request, channel="phone", actor=handler)
                with clock.frozen_at(answered):
                    cases.send_message(
                        request=request, actor=handler, body="Une équipe passe cette semaine."
                    )
                with clock.frozen_at(resolved):
                    request = cases.change_status(
                        request=request, to="resolved", actor=handler, role="case_handler",
                        note="Canalisation débouchée.",
                    )  # fmt: skip
                if rng.random() < 0.4:
                    with clock.frozen_at(resolved + timedelta(days=1)):
                        survey = satisfaction.open_survey(request=request, actor=ACTOR)
                        ok = not summer or rng.random() < 0.5
                        satisfaction.answer_survey(
                            survey=survey, resolved=ok, score=rng.randint(4, 5) if ok else rng.randint(1, 3),
                            comment=rng.choice(COMMENTS) if ok else "",
                        )  # fmt: skip
        day += timedelta(days=rng.choice((2, 3, 4)))
