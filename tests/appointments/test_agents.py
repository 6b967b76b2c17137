"""The back office: agendas per desk, booking on a person's behalf, cancel, move, mark."""

from html import unescape

import pytest
from django.contrib.auth import get_user_model

from guichet.appointments import actions
from guichet.appointments.forms import slot_param
from guichet.appointments.models import Appointment
from guichet.core import clock
from guichet.core.journal import Actor
from guichet.core.models import Event

from .factories import paris

NOW = paris(2026, 11, 23, 8, 0)
SLOT = paris(2026, 11, 24, 9, 0)


@pytest.fixture(autouse=True)
def _monday_morning():
    with clock.frozen_at(NOW):
        yield


def text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def agent_client(client, world):
    client.force_login(world.agent_tours)
    return client


def booked(world, start=SLOT, person=None):
    person = person or world.alice
    return actions.book_appointment(
        appointment_type=world.cni, start=start, person=person, actor=Actor.person(person)
    )


def test_an_agent_sees_only_the_places_of_their_authorities(agent_client, world):
    page = text(agent_client.get("/agents/agendas/"))
    assert "Mairie de Tours — état civil" in page and "Mairie de Sceaux" not in page
    assert 'aria-current="page">Agendas' in page


def test_the_days_agenda_shows_each_desks_appointments(agent_client, world):
    first, second = booked(world), booked(world, person=world.bob)
    page = text(agent_client.get(f"/agents/agendas/{world.mairie.pk}/?jour=2026-11-24"))
    assert "Mardi 24 novembre 2026" in page
    assert "Guichet 1" in page and "Guichet 2" in page
    assert f'data-reference="{first.reference}"' in page and "Alice Martin" in page
    assert f'data-reference="{second.reference}"' in page and "09:00–09:20" in page
    week = text(agent_client.get(f"/agents/agendas/{world.mairie.pk}/?jour=2026-11-24&vue=semaine"))
    assert "Semaine du lundi 23 novembre 2026" in week and first.reference in week


def test_a_bad_day_is_a_french_error(agent_client, world):
    response = agent_client.get(f"/agents/agendas/{world.mairie.pk}/?jour=hier")
    assert response.status_code == 400
    assert "Cette date n'est pas valide" in text(response)


def looked_up(agent_client, world, query="alice@exemple.fr"):
    """The booking form after searching for `query` on Tuesday's slots. Alice has nothing to
    do with Tours yet: only her exact e-mail finds her, to recognise (ADR 0017)."""
    return text(agent_client.get(
        f"/agents/agendas/{world.mairie.pk}/reserver/",
        {"type": world.cni.pk, "jour": "2026-11-24", "q": query},
    ))  # fmt: skip


def test_booking_on_a_persons_behalf_by_phone(agent_client, world):
    # given the agent looks Alice up by her e-mail and picks Tuesday's slots
    assert "Alice Martin" not in looked_up(agent_client, world, "alice")
    form = looked_up(agent_client, world)
    assert "Alice M. — a•••@exemple.fr — 06 •• •• •• 78" in form
    assert "Martin" not in form and f'value="{slot_param(SLOT)}"' in form
    # when they book Tuesday 9:00 by phone
    response = agent_client.post(
        f"/agents/agendas/{world.mairie.pk}/reserver/",
        {"type": world.cni.pk, "jour": "2026-11-24", "personne": world.alice.pk,
         "debut": slot_param(SLOT), "canal": "phone"},
    )  # fmt: skip
    # then the appointment is Alice's, taken by phone by this agent, and journaled as theirs
    appointment = Appointment.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/agents/agendas/rdv/{appointment.pk}/"
    )
    assert appointment.person == world.alice and appointment.channel == "phone"
    assert appointment.booked_by == world.agent_tours
    event = Event.objects.get(kind="appointment.booked")
    assert event.actor_user == world.agent_tours and event.channel == "phone"
    assert "pris pour le mardi 24 novembre 2026 à 9 h 00" in text(
        agent_client.get(response["Location"])
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"personne": ""}, "Usager : recherchez puis choisissez la personne"),
        ({"personne": "999999"}, "Usager : recherchez puis choisissez la personne"),
        ({"personne": "²"}, "Usager : recherchez puis choisissez la personne"),
        ({"personne": "9" * 25}, "Usager : recherchez puis choisissez la personne"),
        ({"canal": "web"}, "Canal : choisissez « à l'accueil » ou « par téléphone »."),
        ({"debut": "x"}, "Ce créneau n'existe pas"),
        ({"debut": slot_param(paris(2026, 11, 24, 12, 30))}, "n'est pas ouvert de 12 h 30"),
        ({"jour": "2026-13-01"}, "Cette date n'est pas valide"),
    ],
)
def test_bad_bookings_on_behalf_are_refused_in_french_and_write_nothing(
    agent_client, world, data, message
):
    looked_up(agent_client, world)  # Alice found by her e-mail at the counter
    events = Event.objects.count()
    response = agent_client.post(
        f"/agents/agendas/{world.mairie.pk}/reserver/",
        {"type": world.cni.pk, "jour": "2026-11-24", "personne": world.alice.pk,
         "debut": slot_param(SLOT), "canal": "counter", **data},
    )  # fmt: skip
    assert response.status_code == 400
    assert message in text(response)
    assert Appointment.objects.count() == 0 and Event.objects.count() == events


def test_an_agent_cancels_and_moves_from_the_appointment_page(agent_client, world):
    appointment = booked(world)
    page = f"/agents/agendas/rdv/{appointment.pk}/"
    later = paris(2026, 11, 24, 10, 20)
    assert f'value="{slot_param(later)}"' in text(agent_client.get(page))
    moved = agent_client.post(page + "deplacer/", {"debut": slot_param(later)})
    assert moved.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == later
    cancelled = agent_client.post(page + "annuler/")
    assert cancelled.status_code == 302
    assert "Le rendez-vous est annulé." in text(agent_client.get(page))
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    refused = agent_client.post(page + "annuler/")
    assert refused.status_code == 400 and "il ne peut plus être annulé" in text(refused)


def test_attendance_is_marked_on_the_day(client, world):
    appointment = booked(world)
    client.force_login(world.agent_tours)
    early = client.post(f"/agents/agendas/rdv/{appointment.pk}/present/")
    assert early.status_code == 400 and "ne peut pas encore être marqué" in text(early)
    with clock.frozen_at(paris(2026, 11, 24, 9, 30)):
        assert client.post(f"/agents/agendas/rdv/{appointment.pk}/absent/").status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "no_show"


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/agents/agendas/{place}/"),
        ("get", "/agents/agendas/{place}/reserver/"),
        ("get", "/agents/agendas/rdv/{appointment}/"),
        ("post", "/agents/agendas/rdv/{appointment}/annuler/"),
        ("post", "/agents/agendas/rdv/{appointment}/deplacer/"),
        ("get", "/agents/agendas/999999/"),
    ],
)
def test_an_agent_of_another_authority_gets_404(client, world, method, url):
    appointment = booked(world)
    client.force_login(world.agent_sceaux)
    response = getattr(client, method)(
        url.format(place=world.mairie.pk, appointment=appointment.pk)
    )
    assert response.status_code == 404
    assert "introuvable" in text(response)
    appointment.refresh_from_db()
    assert appointment.status == "booked" and appointment.start == SLOT


def test_non_agents_are_kept_out(client, world):
    assert client.get("/agents/agendas/")["Location"].startswith("/agents/connexion/")
    client.force_login(get_user_model().objects.create_user("curieux", "c@exemple.fr", "x"))
    assert client.get("/agents/agendas/").status_code == 403
