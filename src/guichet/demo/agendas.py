"""The demo agendas: Tours town hall's civil-status desks, and a week of booked appointments.

Places, desks and hours are configuration (the admin's job), written directly; bookings go
through `appointments.actions` like live ones. Idempotent: a second run adds nothing.
"""

from __future__ import annotations

import random
from datetime import time, timedelta

from django.contrib.auth import get_user_model

from guichet.appointments import actions, slots
from guichet.appointments.models import Appointment, AppointmentType, Desk, OpeningHours, Place
from guichet.authorities.models import Authority
from guichet.core import calendar, clock, journal
from guichet.core.journal import Actor
from guichet.people.models import Identity, Person

# Monday to Friday 8:30–12:00 and 13:30–17:00, Saturday 9:00–12:00.
HOURS = (
    [(d, time(8, 30), time(12)) for d in range(5)]
    + [(d, time(13, 30), time(17)) for d in range(5)]
    + [(5, time(9), time(12))]
)
PLACES = [
    {
        "name": "Mairie de Tours — état civil",
        "address": "1-3 rue des Minimes, 37000 Tours",
        "desks": ["Guichet 1", "Guichet 2", "Guichet 3"],
        "types": [
            ("Carte d'identité / passeport", "cni-passeport", 20),
            ("Dépôt de dossier", "depot-dossier", 15),
        ],
    },
    {
        "name": "Mairie annexe des Fontaines",
        "address": "Centre de vie du Sanitas, 37000 Tours",
        "desks": ["Accueil"],
        "types": [("Dépôt de dossier", "depot-dossier", 15)],
    },
]
BOOKINGS = 12


def build_agendas(actor: Actor, *, seed: int = 2026) -> int:
    """Create Tours's places and book a handful of appointments in the coming week; the
    number of appointments booked."""
    tours = Authority.objects.filter(slug="tours").first()
    if tours is None:
        return 0
    types = []
    for spec in PLACES:
        place = Place.objects.filter(authority=tours, name=spec["name"]).first()
        if place is None:
            place = Place.objects.create(
                authority=tours, name=spec["name"], address=spec["address"], commune=tours.commune
            )
            for name in spec["desks"]:
                Desk.objects.create(place=place, name=name)
            for weekday, start, end in HOURS:
                OpeningHours.objects.create(place=place, weekday=weekday, start=start, end=end)
            for name, slug, minutes in spec["types"]:
                AppointmentType.objects.create(
                    place=place, name=name, slug=slug, duration_minutes=minutes
                )
        types += list(place.types.all())
    if Appointment.objects.filter(type__place__authority=tours).exists():
        return 0
    return _book_week(types, random.Random(seed))  # noqa: S311 — demo data, not secrets


def _book_week(types, rng) -> int:
    people = list(
        Person.objects.filter(
            merged_into=None, commune__code="37261", identities__kind=Identity.Kind.EMAIL
        ).order_by("pk")[: BOOKINGS * 4]
    )
    agent = get_user_model().objects.filter(username="accueil.tours").first()
    today = calendar.local_date(clock.now())
    booked = 0
    for person in rng.sample(people, min(BOOKINGS, len(people))):
        kind = rng.choice(types)
        free = slots.free_slots(kind, today + timedelta(days=1), today + timedelta(days=7))
        if not free:
            continue
        slot = rng.choice(free)
        channel = rng.choice(["web", "web", "counter", "phone"]) if agent else "web"
        by_agent = channel != "web"
        # Demo bookings made up for the demo's people: nobody is to be sent a confirmation.
        with journal.replaying():
            actions.book_appointment(
                appointment_type=kind, start=slot.start, person=person, channel=channel,
                actor=Actor.agent(agent) if by_agent else Actor.person(person),
                agent=agent if by_agent else None,
            )  # fmt: skip
        booked += 1
    return booked
