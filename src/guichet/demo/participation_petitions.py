"""The demo's opinion map and petitions (issue 17, P2, ADR 0041).

- An opinion map in Sceaux's consultation (the demo's own when P1's exists, else one made
  here): 24 statements, Sceaux residents in three planted camps voting on about half of them
  (inserted in bulk, like an import: thousands of votes through the action would slow the
  demo), then the map computed by the background task's own function, so the results page
  shows visible groups at once.
- A petition close to its threshold (signed through the action, a few signatures short), and
  one that crossed its threshold months ago whose official answer is overdue (signed in the
  past with the clock moved, so its obligation's due date is past and shows late).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import numpy as np

from guichet.authorities.models import Authority
from guichet.core import clock
from guichet.core.journal import Actor
from guichet.participation.actions import opinion as opinion_actions
from guichet.participation.actions import petitions as actions
from guichet.participation.models.consultations import Consultation, Phase
from guichet.participation.models.opinion import Statement, Vote
from guichet.participation.models.petitions import Petition, PetitionRules
from guichet.participation.opinion import tasks
from guichet.participation.phases import PhaseKind
from guichet.people import actions as people
from guichet.people.models import Identity, Person, Verification

ACTOR = Actor.system("démonstration")
STATEMENTS = [
    "Le centre-ville devrait être piéton le week-end.",
    "Il faut plus de places de stationnement près de la gare.",
    "Les pistes cyclables doivent être séparées des voitures.",
    "La ville devrait planter un arbre pour chaque habitant.",
    "Le marché devrait ouvrir aussi le dimanche matin.",
    "Les commerces de proximité ont besoin de loyers plus bas.",
    "Les bus devraient passer toutes les dix minutes.",
    "La vitesse devrait être limitée à 30 km/h partout.",
    "Le parc devrait rester ouvert le soir en été.",
    "Il faut plus de bancs et de fontaines dans les rues.",
    "Les terrasses de café prennent trop de place sur les trottoirs.",
    "La ville devrait aider à la rénovation énergétique des logements.",
    "Les écoles doivent être protégées de la circulation.",
    "Il faut des toilettes publiques propres dans le centre.",
    "Les décisions sur le centre-ville doivent être votées par les habitants.",
    "L'éclairage nocturne devrait être réduit après minuit.",
    "Il faut davantage de logements pour les jeunes.",
    "Les livraisons devraient se faire avant 10 heures.",
    "La propreté des rues doit être la priorité du budget.",
    "Les associations devraient pouvoir utiliser les salles gratuitement.",
    "Le stationnement résidentiel devrait être gratuit.",
    "Les trottinettes en libre-service doivent être interdites.",
    "Les compteurs de circulation devraient être publiés en ligne.",
    "Le patrimoine du centre doit être mieux mis en valeur.",
]


@dataclass
class ParticipationDemoReport:
    statements: int = 0
    votes: int = 0
    groups: int = 0
    petitions: int = 0
    seconds: float = 0.0


def _consultation(sceaux: Authority) -> Consultation:
    existing = Consultation.objects.filter(authority=sceaux, published=True).order_by("pk").first()
    if existing is not None:
        return existing
    now = clock.now()
    consultation = Consultation.objects.create(
        authority=sceaux, slug="centre-ville-avis", published=True,
        title="Le centre-ville de demain : votre avis",
        description="Dites si vous êtes d'accord avec chaque affirmation : la carte des "
        "opinions montre les groupes qui se dessinent et ce qui rassemble.",
    )  # fmt: skip
    Phase.objects.create(
        consultation=consultation, kind=PhaseKind.CONTRIBUTIONS,
        starts_at=now - timedelta(days=20), ends_at=now + timedelta(days=40),
    )  # fmt: skip
    return consultation


def _voters(sceaux: Authority, wanted: int) -> list[Person]:
    found = list(
        Person.objects.filter(commune_id=sceaux.commune_id, erased_at__isnull=True).order_by("pk")[
            :wanted
        ]
    )
    return found


def _signers(sceaux: Authority, wanted: int, start: int) -> list[Person]:
    """Sceaux residents with a verified e-mail (made when the demo has too few)."""
    verified = list(
        Person.objects.filter(
            commune_id=sceaux.commune_id, erased_at__isnull=True,
            identities__verification__gte=Verification.EMAIL_VERIFIED,
        ).distinct().order_by("pk")[start : start + wanted]
    )  # fmt: skip
    n = 0
    while len(verified) < wanted:
        n += 1
        email = f"signataire{start + n}@demo.guichet.example"
        if Identity.objects.filter(kind=Identity.Kind.EMAIL, value=email).exists():
            continue
        verified.append(
            people.create_person(
                actor=ACTOR,
                first_name="Signataire",
                last_name=f"n° {start + n}",
                email=email,
                commune=sceaux.commune,
                verification=Verification.EMAIL_VERIFIED,
            )  # fmt: skip
        )
    return verified


def _initiator(sceaux: Authority) -> Person:
    email = "initiatrice.petitions@demo.guichet.example"
    identity = Identity.objects.filter(kind=Identity.Kind.EMAIL, value=email).first()
    if identity is not None:
        return identity.person
    return people.create_person(
        actor=ACTOR, first_name="Claire", last_name="Initiatrice", email=email,
        commune=sceaux.commune, verification=Verification.COUNTER_CHECKED,
    )  # fmt: skip


def _opinion_map(sceaux: Authority, report: ParticipationDemoReport) -> None:
    consultation = _consultation(sceaux)
    if Statement.objects.filter(consultation=consultation).exists():
        return
    author = _initiator(sceaux)
    rows = [Statement(consultation=consultation, author=author, text=text) for text in STATEMENTS]
    rows = Statement.objects.bulk_create(rows)
    voters = _voters(sceaux, 600)
    if len(voters) < 30:
        return
    rng = np.random.default_rng(17)
    camps = rng.integers(0, 3, size=len(voters))
    stances = rng.choice([-1, 1], size=(3, len(rows)))
    stances[:, :4] = 1  # four statements every camp agrees with
    now = clock.now()
    votes = []
    for person, camp in zip(voters, camps, strict=True):
        for j in np.flatnonzero(rng.random(len(rows)) < 0.55):
            value = int(stances[camp, j])
            if rng.random() < 0.12:
                value = -value
            if rng.random() < 0.08:
                value = 0
            votes.append(
                Vote(consultation=consultation, statement=rows[j], person=person, value=value,
                     voted_at=now - timedelta(minutes=int(rng.integers(5, 20000))))
            )  # fmt: skip
    Vote.objects.bulk_create(votes, batch_size=2000)
    stored = tasks.recompute(consultation)
    report.statements, report.votes, report.groups = len(rows), len(votes), stored.groups.count()
    # one statement added and voted through the actions, as a resident would
    opinion_actions.add_statement(
        consultation=consultation, person=author,
        text="Les habitants devraient être consultés avant chaque grand chantier.",
    )  # fmt: skip


def _petitions(sceaux: Authority, report: ParticipationDemoReport) -> None:
    if Petition.objects.filter(authority=sceaux).exists():
        return
    PetitionRules.objects.update_or_create(
        authority=sceaux,
        defaults={"threshold_percent": Decimal("0.2"), "answer_working_days": 20},
    )
    initiator = _initiator(sceaux)
    moderator = Actor.system("modération (démonstration)")
    # one that crossed its threshold three months ago: its answer is overdue
    with clock.frozen_at(clock.now() - timedelta(days=95)):
        late = actions.submit_petition(
            authority=sceaux, person=initiator, days_open=60,
            title="Rouvrir les toilettes publiques du jardin de la Ménagerie",
            text="Fermées depuis deux ans, elles manquent aux familles et aux personnes âgées "
            "qui fréquentent le jardin. Nous demandons leur réouverture.",
        )  # fmt: skip
        late = actions.open_petition(petition=late, by=moderator)
        for person in _signers(sceaux, late.threshold + 3, 0):
            actions.sign(petition=late, person=person)
    # one a few signatures short of its threshold
    close = actions.submit_petition(
        authority=sceaux, person=initiator, days_open=90,
        title="Un passage piéton protégé devant l'école des Blagis",
        text="Les enfants traversent une rue où les voitures roulent vite. Nous demandons un "
        "passage piéton surélevé et éclairé devant l'école.",
    )  # fmt: skip
    close = actions.open_petition(petition=close, by=moderator)
    for person in _signers(sceaux, close.threshold - 3, late.threshold + 3):
        actions.sign(petition=close, person=person)
    actions.close_due()  # the first one's window ended weeks ago
    report.petitions = 2


def build_participation_petitions() -> ParticipationDemoReport:
    """The opinion map and the two petitions in Sceaux; idempotent; nothing without Sceaux."""
    started = time.monotonic()
    report = ParticipationDemoReport()
    sceaux = Authority.objects.filter(slug="sceaux").select_related("commune").first()
    if sceaux is None or sceaux.commune_id is None:
        return report
    _opinion_map(sceaux, report)
    _petitions(sceaux, report)
    report.seconds = time.monotonic() - started
    return report
