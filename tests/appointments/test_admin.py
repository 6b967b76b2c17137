"""The admin edits the configuration (places, desks, hours, types, closures) and only shows
appointments, which are written by the actions."""

import pytest
from django.contrib.auth import get_user_model

from guichet.appointments import actions
from guichet.core import clock
from guichet.core.journal import Actor

from .factories import paris


@pytest.fixture
def admin_client(client, world):
    client.force_login(get_user_model().objects.create_superuser("root", "r@exemple.fr", "x"))
    return client


def test_the_place_page_edits_desks_hours_and_types(admin_client, world):
    page = admin_client.get(f"/admin/appointments/place/{world.mairie.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Guichet 1" in body and "Carte d&#x27;identité / passeport" in body


def test_appointments_are_read_only_in_the_admin(admin_client, world):
    with clock.frozen_at(paris(2026, 11, 23, 8, 0)):
        appointment = actions.book_appointment(
            appointment_type=world.cni, start=paris(2026, 11, 24, 9, 0), person=world.alice,
            actor=Actor.person(world.alice),
        )  # fmt: skip
    assert admin_client.get("/admin/appointments/appointment/").status_code == 200
    assert admin_client.get("/admin/appointments/appointment/add/").status_code == 403
    view = admin_client.get(f"/admin/appointments/appointment/{appointment.pk}/change/")
    assert view.status_code == 200 and appointment.reference in view.content.decode()
    assert admin_client.get("/admin/appointments/closure/add/").status_code == 200
