"""The demo's triage (ADR 0028): a model per authority with enough history, then a few
requests in free text (an SMS, a phone note, the portal's « je ne sais pas ») so that the
suggestions and the automatic routing show on the agents' pages."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from guichet.authorities.models import Authority
from guichet.cases import actions as cases
from guichet.cases.models import Request
from guichet.catalogue.free_text import FREE_TEXT_SERVICES
from guichet.core.journal import Actor
from guichet.people.actions import Applicant
from guichet.people.models import Person
from guichet.triage import actions
from guichet.triage.models import TriageModel

# What residents of Sceaux send without choosing a service: (channel, text, address).
EXAMPLES = [
    ("sms", "Bonjour, le lampadaire est éteint rue Houdan depuis trois soirs.", ""),
    ("sms", "Un gros trou sur la chaussée avenue de la Gare, dangereux pour les vélos.", ""),
    ("web", "Quelqu'un a déposé des sacs et un vieux matelas au coin de la rue.", "rue Paul Couderc"),
    ("phone", "Je voudrais savoir comment faire pour mes papiers, c'est urgent.", ""),
]  # fmt: skip
SHOWN_AT = "sceaux"
# Trained at once (about 8 s together, measured on 2 vCPU: all nine demo authorities take
# about a minute); the others get theirs from the worker's daily retraining.
TRAINED_AT_ONCE = ("sceaux", "vallee-sud", "tours")
ACTOR = Actor.system("démonstration")


@dataclass
class TriageReport:
    trained: list[str] = field(default_factory=list)
    seconds: float = 0.0
    filed: list[str] = field(default_factory=list)


def build_triage() -> TriageReport:
    """Train the main demo authorities that have no model yet, then file the examples once."""
    report = TriageReport()
    started = time.perf_counter()
    chosen = Authority.objects.filter(is_active=True, slug__in=TRAINED_AT_ONCE).order_by("pk")
    for authority in chosen:
        if TriageModel.objects.filter(authority=authority).exists():
            continue
        try:
            actions.train_model(authority=authority, actor=actions.SYSTEM)
        except actions.TriageError:
            continue  # fewer than two services in its history
        report.trained.append(authority.name)
    report.seconds = time.perf_counter() - started
    authority = Authority.objects.filter(slug=SHOWN_AT).first()
    if authority is None or Request.objects.filter(service__slug__in=FREE_TEXT_SERVICES).exists():
        return report
    persons = list(
        Person.objects.filter(commune=authority.commune, erased_at__isnull=True).order_by("pk")[
            : len(EXAMPLES)
        ]
    )
    agent = authority.memberships.filter(role="front_desk").select_related("user").first()
    for (channel, text, address), person in zip(EXAMPLES, persons, strict=False):
        by_agent = channel == "phone" and agent is not None
        filed = cases.file_free_text(
            applicant=Applicant(person=person), channel=channel, description=text,
            authority=authority, address=address, registrar=ACTOR,
            actor=Actor.agent(agent.user) if by_agent and agent else None,
            filed_by=agent.user if by_agent and agent else None,
        )  # fmt: skip
        report.filed.append(filed.reference)
    return report
