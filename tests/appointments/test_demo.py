"""The demo agendas: Tours's places, and a few appointments booked through the actions."""

from guichet.appointments.models import Appointment, Place
from guichet.core import clock
from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.demo.agendas import build_agendas

from .factories import paris


def test_the_demo_books_the_coming_week_once(world):
    with clock.frozen_at(paris(2026, 11, 23, 8, 0)):
        booked = build_agendas(Actor.system("démonstration"))
        again = build_agendas(Actor.system("démonstration"))
    assert booked == 2  # the world's two people of Tours with an e-mail
    assert again == 0
    assert Place.objects.filter(
        name="Mairie annexe des Fontaines", types__slug="depot-dossier"
    ).exists()
    appointments = Appointment.objects.filter(type__place__authority=world.tours)
    assert appointments.count() == 2
    assert all(paris(2026, 11, 24) <= a.start < paris(2026, 12, 1) for a in appointments)
    assert Event.objects.filter(kind="appointment.booked").count() == 2
