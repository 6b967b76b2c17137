"""The portal pages: choose, book, confirm, manage (cancel, change), download the .ics."""

from html import unescape

import pytest
from icalendar import Calendar

from guichet.appointments import actions
from guichet.appointments.forms import slot_param
from guichet.appointments.models import Appointment
from guichet.core import clock
from guichet.core.journal import Actor
from guichet.people.models import Person
from guichet.portal.session import PERSON_KEY

from .factories import paris

NOW = paris(2026, 11, 23, 8, 0)
SLOT = paris(2026, 11, 24, 9, 0)
CONTACT = {
    "contact-first_name": "Chloé", "contact-last_name": "Bernard",
    "contact-email": "chloe@exemple.fr", "contact-phone": "",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _monday_morning():
    with clock.frozen_at(NOW):
        yield


def text(response) -> str:
    return unescape(response.content.decode())


def book_url(world, type_=None):
    type_ = type_ or world.cni
    return f"/rendez-vous/lieu/{type_.place_id}/{type_.slug}/reserver/"


def test_the_home_page_lists_places_and_reasons(client, world):
    page = text(client.get("/rendez-vous/"))
    assert "Mairie de Tours — état civil" in page
    assert "Carte d'identité / passeport (20 min)" in page
    assert f"/rendez-vous/lieu/{world.mairie.pk}/cni/" in page


def test_a_week_of_slots_links_each_free_slot_to_the_booking_form(client, world):
    response = client.get(f"/rendez-vous/lieu/{world.mairie.pk}/cni/")
    page = text(response)
    assert response.status_code == 200
    assert "Semaine du lundi 23 novembre 2026" in page
    assert f"reserver/?debut={slot_param(SLOT)}" in page
    next_week = text(client.get(f"/rendez-vous/lieu/{world.mairie.pk}/cni/?semaine=2026-11-30"))
    assert "Semaine du lundi 30 novembre 2026" in next_week


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/rendez-vous/lieu/{place}/inconnu/", "Ce type de rendez-vous n'est pas proposé."),
        ("/rendez-vous/lieu/{place}/cni/?semaine=demain", "Cette date n'est pas valide"),
        ("/rendez-vous/rdv/pas-un-secret/", "Rendez-vous introuvable."),
    ],
)
def test_unknown_pages_answer_a_french_404(client, world, url, message):
    response = client.get(url.format(place=world.mairie.pk))
    assert response.status_code == 404
    assert message in text(response)


def test_booking_as_a_visitor_creates_the_person_and_shows_the_confirmation(client, world):
    # given a visitor on the booking form of Tuesday 9:00
    form = client.get(book_url(world) + f"?debut={slot_param(SLOT)}")
    assert "mardi 24 novembre 2026 à 9 h 00" in text(form)
    # when she gives her name and e-mail and confirms
    response = client.post(book_url(world), {"debut": slot_param(SLOT), **CONTACT})
    # then she lands on the confirmation, with the date in French and the calendar file
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/rendez-vous/rdv/{appointment.secret}/confirmation/"
    page = text(client.get(response["Location"]))
    assert "Votre rendez-vous est confirmé" in page
    assert "mardi 24 novembre 2026 à 9 h 00" in page and appointment.reference in page
    assert f"/rendez-vous/rdv/{appointment.secret}/rendez-vous.ics" in page
    assert appointment.person.first_name == "Chloé" and appointment.channel == "web"
    calendar_file = client.get(f"/rendez-vous/rdv/{appointment.secret}/rendez-vous.ics")
    assert calendar_file["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(calendar_file.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == SLOT


def test_a_signed_in_person_books_without_typing_her_details(client, world):
    session = client.session
    session[PERSON_KEY] = world.alice.pk
    session.save()
    form = text(client.get(book_url(world) + f"?debut={slot_param(SLOT)}"))
    assert "Vous prenez ce rendez-vous en tant que" in form and "Alice Martin" in form
    response = client.post(book_url(world), {"debut": slot_param(SLOT)})
    assert response.status_code == 302
    assert Appointment.objects.get().person == world.alice


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"contact-email": ""}, "Indiquez au moins un moyen de vous joindre"),
        ({"contact-email": "pas-une-adresse"}, "Adresse électronique :"),
        ({"contact-first_name": ""}, "Prénom :"),
        ({"debut": "demain"}, "Ce créneau n'existe pas : choisissez un créneau proposé."),
        ({"debut": slot_param(paris(2026, 11, 24, 12, 0))}, "n'est pas ouvert de 12 h 00"),
        ({"debut": slot_param(paris(2026, 11, 23, 7, 0))}, "Ce créneau est déjà passé"),
    ],
)
def test_bad_input_is_refused_in_french_and_writes_nothing(client, world, data, message):
    people = Person.objects.count()
    response = client.post(book_url(world), {"debut": slot_param(SLOT), **CONTACT, **data})
    assert response.status_code == 400
    assert message in text(response)
    assert Appointment.objects.count() == 0 and Person.objects.count() == people


def test_a_slot_taken_meanwhile_is_refused_and_no_person_is_left_behind(client, world):
    for person in (world.alice, world.bob):
        actions.book_appointment(
            appointment_type=world.cni, start=SLOT, person=person, actor=Actor.person(person)
        )
    people = Person.objects.count()
    response = client.post(book_url(world), {"debut": slot_param(SLOT), **CONTACT})
    assert response.status_code == 400
    assert "Ce créneau vient d'être réservé par quelqu'un d'autre" in text(response)
    assert Person.objects.count() == people


def test_booking_posts_are_rate_limited_per_address(client, world, one_rate_window):
    statuses = [
        client.post(book_url(world), {"debut": "x", **CONTACT}).status_code for _ in range(11)
    ]
    assert statuses[:10] == [400] * 10 and statuses[10] == 429


def test_the_manage_link_cancels(client, world):
    appointment = actions.book_appointment(
        appointment_type=world.cni, start=SLOT, person=world.alice, actor=Actor.person(world.alice)
    )
    manage = f"/rendez-vous/rdv/{appointment.secret}/"
    assert "Annuler le rendez-vous" in text(client.get(manage))
    response = client.post(manage + "annuler/")
    assert response.status_code == 302
    page = text(client.get(response["Location"]))
    assert "Votre rendez-vous est annulé." in page and "Annuler le rendez-vous" not in page
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    again = client.post(manage + "annuler/")
    assert again.status_code == 400
    assert "Ce rendez-vous est annulé : il ne peut plus être annulé." in text(again)


def test_the_manage_link_changes_the_slot_keeping_the_reference(client, world):
    appointment = actions.book_appointment(
        appointment_type=world.cni, start=SLOT, person=world.alice, actor=Actor.person(world.alice)
    )
    change = f"/rendez-vous/rdv/{appointment.secret}/changer/"
    new_slot = paris(2026, 11, 26, 14, 10)
    assert f'value="{slot_param(new_slot)}"' in text(client.get(change))
    bad = client.post(change, {"debut": slot_param(paris(2026, 11, 29, 9, 0))})
    assert bad.status_code == 400 and "n'est pas ouvert" in text(bad)
    response = client.post(change, {"debut": slot_param(new_slot)})
    assert response.status_code == 302
    assert "Votre rendez-vous a été déplacé." in text(client.get(response["Location"]))
    moved = Appointment.objects.get()
    assert moved.start == new_slot and moved.reference == appointment.reference


def test_a_stale_slot_link_says_so_before_any_typing(client, world):
    for person in (world.alice, world.bob):
        actions.book_appointment(
            appointment_type=world.cni, start=SLOT, person=person, actor=Actor.person(person)
        )
    taken = client.get(book_url(world) + f"?debut={slot_param(SLOT)}")
    assert taken.status_code == 400
    assert "Ce créneau vient d'être réservé par quelqu'un d'autre" in text(taken)
    past = client.get(book_url(world) + f"?debut={slot_param(paris(2026, 11, 20, 9, 0))}")
    assert past.status_code == 400 and "Ce créneau est déjà passé" in text(past)
    assert "Voir les créneaux libres" in text(past)
