"""The steering world (issue 20): Sceaux with twelve weeks of requests and a surge of
complaints about a park at night in the last complete week, its manager and an elected
official; Issy and its manager, who must see none of it. Built through the real actions at
frozen dates (importable as `steering_support`: pytest puts tests/ on the path)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from django.core.management import call_command

from guichet.authorities import actions as authorities
from guichet.authorities.models import Role
from guichet.cases import actions
from guichet.catalogue.actions import load_catalogue
from guichet.catalogue.models import Service
from guichet.core.clock import frozen_at
from guichet.core.journal import Actor
from guichet.core.models import User
from guichet.people import actions as people
from guichet.territory import selectors as territory

SYSTEM = Actor.system("tests")
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # a Monday: the last complete week is 23–29
LAST_WEEK = NOW - timedelta(weeks=1)
THEMES = [
    ("Nid de poule", "Un nid de poule profond sur la chaussée abîme les pneus des voitures"),
    ("Horaires", "Quels sont les horaires d'ouverture de la mairie annexe le samedi matin"),
    ("Cantine", "Inscription de mon fils à la cantine scolaire et au périscolaire du mercredi"),
]
PARK = [
    "Bruit la nuit au parc des Blagis, des jeunes font la fête jusqu'à trois heures",
    "Le parc reste ouvert la nuit : musique forte, bouteilles cassées, impossible de dormir",
    "Rassemblements nocturnes bruyants dans le parc, tapage toutes les nuits",
]
SURGE = 10
# One park complaint names its writer and gives a phone and an e-mail: none of it may show.
NAMED = "Je suis Alice Martin (06 12 34 56 78, alice.martin@exemple.fr) : bruit au parc la nuit"


def agent(username: str, authority, role: str, email: str = "") -> User:
    user = User.objects.create_user(username, email or f"{username}@exemple.fr", "x")
    user.first_name, user.last_name = "Camille", username.split(".")[0].capitalize()
    user.save(update_fields=["first_name", "last_name"])
    authorities.add_agent(actor=SYSTEM, user=user, authority=authority, role=role)
    return user


def file(w, person, commune, moment: datetime, subject: str, text: str):
    with frozen_at(moment):
        return actions.submit_request(
            service=w.question, person=person, channel="web", actor=Actor.person(person),
            form_data={"sujet": subject, "message": text, "reponse_par": "courriel",
                       "courriel": "usager@exemple.fr"},
            commune=commune,
        )  # fmt: skip


def resolve(w, request, moment: datetime):
    for step, to in enumerate(("in_progress", "resolved")):
        with frozen_at(moment + timedelta(minutes=step)):
            request = actions.change_status(request=request, to=to, actor=Actor.agent(w.manager),
                                            role="manager", note="Réponse envoyée.")  # fmt: skip
    return request


def build_world() -> SimpleNamespace:
    call_command("import_territory", verbosity=0, quiet=True)
    load_catalogue(actor=SYSTEM)
    w = SimpleNamespace(
        sceaux_commune=territory.commune_by_code("92071"),
        issy_commune=territory.commune_by_code("92040"),
        question=Service.objects.get(slug="question-generale"),
    )
    w.sceaux = authorities.create_authority(
        actor=SYSTEM, kind="commune", name="Ville de Sceaux", slug="sceaux",
        commune=w.sceaux_commune,
    )  # fmt: skip
    w.issy = authorities.create_authority(
        actor=SYSTEM, kind="commune", name="Ville d'Issy", slug="issy", commune=w.issy_commune
    )
    w.manager = agent("responsable.sceaux", w.sceaux, Role.MANAGER)
    w.elected = agent("maire.sceaux", w.sceaux, Role.ELECTED, "maire@sceaux.exemple.fr")
    w.issy_manager = agent("responsable.issy", w.issy, Role.MANAGER)
    w.alice = people.create_person(
        actor=SYSTEM, first_name="Alice", last_name="Martin", email="alice@exemple.fr",
        commune=w.sceaux_commune,
    )  # fmt: skip
    w.requests = []
    for week in range(12, 1, -1):  # eleven ordinary weeks: 8 requests, a park one every other
        monday = NOW - timedelta(weeks=week)
        for i in range(8):
            subject, text = THEMES[i % 3]
            moment = monday + timedelta(days=i % 5, hours=i)
            w.requests.append(file(w, w.alice, w.sceaux_commune, moment, subject, text))
        if week % 2 == 0:
            w.requests.append(file(w, w.alice, w.sceaux_commune, monday + timedelta(days=2),
                                   "Parc", PARK[week % 3]))  # fmt: skip
    for i in range(8):  # the last complete week: the usual requests, and the surge
        subject, text = THEMES[i % 3]
        w.requests.append(file(w, w.alice, w.sceaux_commune,
                                LAST_WEEK + timedelta(days=i % 5, hours=i), subject, text))  # fmt: skip
    for i in range(SURGE):
        text = NAMED if i == 0 else PARK[i % 3]
        w.requests.append(file(w, w.alice, w.sceaux_commune,
                                LAST_WEEK + timedelta(days=i % 6, hours=2 + i), "Parc", text))  # fmt: skip
    # Resolved quickly: every request of the last complete week's Monday and Tuesday.
    w.resolved = [
        r for r in w.requests if LAST_WEEK <= r.received_at < LAST_WEEK + timedelta(days=2)
    ]
    for request in w.resolved:
        resolve(w, request, request.received_at + timedelta(hours=3))
    # Issy: requests Sceaux's people must never count.
    for i in range(3):
        file(w, w.alice, w.issy_commune, LAST_WEEK + timedelta(days=i), "Parc", PARK[0])
    return w
