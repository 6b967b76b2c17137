"""A small world for the appointment tests: Tours with its town hall, Sceaux, agents, people.

No national data is imported: the two communes and their départements are created by hand, so
a world costs milliseconds and the race tests can build their own committed one.
"""

from __future__ import annotations

from datetime import datetime, time
from types import SimpleNamespace

from django.contrib.auth import get_user_model

from guichet.appointments.models import AppointmentType, Desk, OpeningHours, Place
from guichet.authorities import actions as authorities
from guichet.core.calendar import PARIS
from guichet.core.journal import Actor
from guichet.people import actions as people
from guichet.people.models import Verification
from guichet.territory.models import Commune, Departement, Region

SYSTEM = Actor.system("tests")
PASSWORD = "Agenda-2026!"

# Monday to Friday 9:00–12:00 and 13:30–17:00; Saturday morning.
HOURS = (
    [(d, time(9), time(12)) for d in range(5)]
    + [(d, time(13, 30), time(17)) for d in range(5)]
    + [(5, time(9), time(12))]
)


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def agent(username: str, authority, role: str = "front_desk"):
    user = get_user_model().objects.create_user(username, f"{username}@exemple.fr", PASSWORD)
    authorities.add_agent(actor=SYSTEM, user=user, authority=authority, role=role)
    return user


def make_place(authority, name, *, commune=None, desks=2, hours=HOURS, **extra) -> Place:
    place = Place.objects.create(authority=authority, name=name, commune=commune, **extra)
    for i in range(desks):
        Desk.objects.create(place=place, name=f"Guichet {i + 1}")
    for weekday, start, end in hours:
        OpeningHours.objects.create(place=place, weekday=weekday, start=start, end=end)
    return place


def build_world() -> SimpleNamespace:
    centre = Region.objects.create(code="24", name="Centre-Val de Loire")
    idf = Region.objects.create(code="11", name="Île-de-France")
    d37 = Departement.objects.create(code="37", name="Indre-et-Loire", region=centre)
    d92 = Departement.objects.create(code="92", name="Hauts-de-Seine", region=idf)
    tours_commune = Commune.objects.create(code="37261", name="Tours", departement=d37)
    sceaux_commune = Commune.objects.create(code="92071", name="Sceaux", departement=d92)
    w = SimpleNamespace(tours_commune=tours_commune, sceaux_commune=sceaux_commune)
    w.tours = authorities.create_authority(
        actor=SYSTEM, kind="commune", name="Ville de Tours", slug="tours", commune=tours_commune
    )
    w.sceaux = authorities.create_authority(
        actor=SYSTEM, kind="commune", name="Ville de Sceaux", slug="sceaux", commune=sceaux_commune
    )
    w.mairie = make_place(
        w.tours, "Mairie de Tours — état civil", commune=tours_commune,
        address="1-3 rue des Minimes, 37000 Tours",
    )  # fmt: skip
    w.cni = AppointmentType.objects.create(
        place=w.mairie, name="Carte d'identité / passeport", slug="cni", duration_minutes=20
    )
    w.depot = AppointmentType.objects.create(
        place=w.mairie, name="Dépôt de dossier", slug="depot", duration_minutes=15
    )
    w.sceaux_place = make_place(w.sceaux, "Mairie de Sceaux", commune=sceaux_commune, desks=1)
    w.sceaux_type = AppointmentType.objects.create(
        place=w.sceaux_place, name="Urbanisme", slug="urbanisme", duration_minutes=30
    )
    w.agent_tours = agent("accueil.tours", w.tours)
    w.agent_sceaux = agent("accueil.sceaux", w.sceaux)
    w.alice = people.create_person(
        actor=SYSTEM, first_name="Alice", last_name="Martin", email="alice@exemple.fr",
        phone="06 12 34 56 78", commune=tours_commune, verification=Verification.EMAIL_VERIFIED,
    )  # fmt: skip
    w.bob = people.create_person(
        actor=SYSTEM, first_name="Bob", last_name="Durand", email="bob@exemple.fr",
        commune=tours_commune, verification=Verification.EMAIL_VERIFIED,
    )  # fmt: skip
    return w
