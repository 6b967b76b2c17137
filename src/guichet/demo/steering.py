"""The demo's steering (issue 20): a surge of complaints about a park at night planted in
Sceaux's recent history (the topic model finds and flags it), then the briefings of three
elected officials (Sceaux's mayor, Vallée Sud's vice-president for waste, its president)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction

from guichet.authorities import actions as authority_actions
from guichet.authorities.models import AgentMembership, Authority, Role
from guichet.cases import actions as cases
from guichet.cases.actions import IntakeError
from guichet.catalogue.models import Category, Service
from guichet.contracts.briefings import actions as briefings
from guichet.contracts.models import BriefingRemit
from guichet.core import clock, journal
from guichet.core.calendar import PARIS
from guichet.core.journal import Actor
from guichet.core.models import User
from guichet.demo.world import DEMO_PASSWORD
from guichet.journeys.topics.actions import refresh_topics
from guichet.people.models import Person

ACTOR = Actor.system("démonstration")
PARK_COMPLAINTS = [
    "Bruit tous les soirs au jardin de la Ménagerie : des groupes restent dans le parc la nuit",
    "Le parc n'est plus fermé la nuit, musique forte et bouteilles cassées jusqu'à 3 h",
    "Rassemblements nocturnes dans le parc, tapage et feux, impossible de dormir",
    "Parc ouvert la nuit : bruit, cris et déchets laissés sur les pelouses le matin",
]
SURGE = 14
# (username's prefix before « .<authority> », first name, last name, authority, title, scope,
# remit detail, frequency)
OFFICIALS = [
    ("elu", "Philippe", "Laurent", "sceaux", "Maire de Sceaux", "commune", "92071", "weekly"),
    ("elue-dechets", "Claire", "Moreau", "vallee-sud",
     "Vice-présidente à la propreté et aux déchets", "policy", "proprete-dechets", "monthly"),
    ("president", "Jean", "Dupuis", "vallee-sud", "Président de Vallée Sud", "authority", "",
     "weekly"),
]  # fmt: skip


@dataclass
class SteeringReport:
    planted: int = 0
    emerging: list[str] = field(default_factory=list)
    briefings: int = 0
    accounts: list[tuple[str, str, str]] = field(default_factory=list)


def build_steering() -> SteeringReport:
    """Plant the park surge (once), refresh Sceaux's topics, create and send the briefings."""
    report = SteeringReport()
    sceaux = Authority.objects.filter(slug="sceaux").first()
    if sceaux is None or BriefingRemit.objects.exists():
        return report
    report.planted = _plant_surge(sceaux)
    run = refresh_topics(authority=sceaux)
    report.emerging = [t.label for t in run.topics.filter(emerging=True)]
    password = make_password(DEMO_PASSWORD)
    for prefix, first, last, slug, title, scope, detail, frequency in OFFICIALS:
        authority = Authority.objects.filter(slug=slug).first()
        if authority is None:
            continue
        username = f"{prefix}.{slug}"
        official = _official(username, first, last, authority, password)
        remit = briefings.create_remit(
            actor=ACTOR, authority=authority, official=official, title=title, scope=scope,
            frequency=frequency, commune=authority.commune if scope == "commune" else None,
            categories=Category.objects.filter(slug=detail) if scope == "policy" else (),
        )  # fmt: skip
        briefings.send_briefing(remit=remit)
        report.briefings += 1
        report.accounts.append((username, Role.ELECTED.label, authority.name))
    return report


def _official(username: str, first: str, last: str, authority: Authority, password: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(
            username=username, email=f"{username}@guichet.localhost", password=password,
            first_name=first, last_name=last,
        )  # fmt: skip
    if not AgentMembership.objects.filter(user=user, authority=authority).exists():
        authority_actions.add_agent(actor=ACTOR, user=user, authority=authority, role=Role.ELECTED)
    return user


def _plant_surge(sceaux: Authority) -> int:
    """A park complaint every other week for three months, then SURGE in the last complete
    week, filed through the real intake at past dates (replayed: nobody is notified)."""
    service = Service.objects.filter(slug="question-generale").first()
    persons = list(
        Person.objects.filter(commune=sceaux.commune, erased_at__isnull=True).order_by("pk")[:40]
    )
    if service is None or not persons:
        return 0
    rng = random.Random(20)
    today = clock.now().astimezone(PARIS)
    last_monday = (today - timedelta(days=today.weekday(), weeks=1)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    moments = [last_monday - timedelta(weeks=k, days=-2) for k in range(2, 14, 2)]
    moments += [last_monday + timedelta(days=i % 6, hours=i % 9) for i in range(SURGE)]
    planted = 0
    for moment in moments:
        person = rng.choice(persons)
        with transaction.atomic(), journal.replaying(), clock.frozen_at(moment):
            try:
                cases.submit_request(
                    service=service, person=person, channel="web", actor=Actor.person(person),
                    form_data={"sujet": "Parc la nuit", "message": rng.choice(PARK_COMPLAINTS),
                               "reponse_par": "courriel",
                               "courriel": f"usager{person.pk}@exemple.fr"},
                    commune=sceaux.commune,
                )  # fmt: skip
            except IntakeError:
                continue
        planted += 1
    return planted
