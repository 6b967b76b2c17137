"""Appointments on the portal: an appointment service leads to booking, or says why it cannot."""

from __future__ import annotations

from datetime import time

import pytest
from browser_checks import audit

from guichet.appointments.actions import save_place
from guichet.appointments.models import AppointmentType, Desk, OpeningHours, Place
from guichet.authorities.actions import change_authority
from guichet.catalogue.models import Service

from .conftest import SYSTEM, build_world, page_text

PASSPORT = "/communes/92071/services/rendez-vous-passeport-cni/"


def open_town_hall_desk(world, *, service=None) -> AppointmentType:
    """Sceaux's town hall takes bookings online: one desk, weekday mornings, one reason."""
    passport = AppointmentType(
        name="Passeport ou carte d'identité", slug="titres", duration_minutes=20, service=service
    )
    rows = [Desk(name="Guichet 1"), passport]
    rows += [OpeningHours(weekday=day, start=time(9), end=time(12)) for day in range(5)]
    place = Place(authority=world.ville, name="Mairie de Sceaux", commune=world.sceaux)
    save_place(place=place, actor=SYSTEM, rows=rows)
    return passport


@pytest.fixture
def passport(world):
    return Service.objects.get(slug="rendez-vous-passeport-cni")


def test_an_appointment_service_without_a_place_says_so_and_offers_what_remains(
    client, world, passport
):
    # given Sceaux's town hall takes no booking online, and gives its phone number
    change_authority(actor=SYSTEM, authority=world.ville, contact_phone="01 41 13 33 00")
    # when a resident opens the passport appointment service at Sceaux
    response = client.get(PASSPORT)
    text = page_text(response)
    # then the page says no online booking is offered, and what she can do instead
    assert "Ville de Sceaux ne propose pas encore la prise de rendez-vous en ligne" in text
    assert "Faites une demande de rendez-vous : Ville de Sceaux vous recontactera" in text
    assert f'href="{PASSPORT}demande/"' in response.content.decode()
    assert "par téléphone au 01 41 13 33 00" in text
    assert "Faire une demande" not in text.replace("Faites une demande de rendez-vous", "")


def test_an_appointment_service_leads_to_the_booking_page_of_its_place(client, world, passport):
    # given Sceaux's town hall books passport appointments online for this service
    booked = open_town_hall_desk(world, service=passport)
    # when a resident opens the service at Sceaux
    response = client.get(PASSPORT)
    html, text = response.content.decode(), page_text(response)
    # then the first thing offered is the booking page, the request form only as a fallback
    week = f"/rendez-vous/lieu/{booked.place_id}/titres/"
    assert f'href="{week}"' in html
    assert "Prenez rendez-vous en ligne." in text
    assert html.index(week) < html.index(f"{PASSPORT}demande/")
    assert "ne propose pas encore" not in text
    # and the booking page opens
    assert client.get(week).status_code == 200


def test_a_place_without_a_linked_reason_still_serves_an_appointment_service(
    client, world, passport
):
    # given the town hall's appointment type is not linked to the catalogue's service
    booked = open_town_hall_desk(world)
    # when the resident opens the passport appointment service
    html = client.get(PASSPORT).content.decode()
    # then the town hall's booking page is offered all the same
    assert f'href="/rendez-vous/lieu/{booked.place_id}/titres/"' in html


def test_a_request_service_keeps_its_request_form(client, world):
    open_town_hall_desk(world)
    text = page_text(client.get("/communes/92071/services/signalement-voirie/"))
    assert "Faire une demande" in text and "Prenez rendez-vous" not in text


def test_the_commune_page_lists_its_places_or_says_there_is_none(client, world):
    # given no place takes bookings at Sceaux
    change_authority(actor=SYSTEM, authority=world.ville, contact_email="mairie@sceaux.fr")
    before = page_text(client.get("/communes/92071/"))
    # then the commune page says so and how to reach the town hall
    assert "Aucun lieu d'accueil ne propose encore de rendez-vous en ligne à Sceaux." in before
    assert "par courriel à mairie@sceaux.fr" in before
    # when the town hall opens its desk to online bookings
    booked = open_town_hall_desk(world)
    response = client.get("/communes/92071/")
    # then the commune page links to it
    assert f'href="/rendez-vous/lieu/{booked.place_id}/titres/"' in response.content.decode()
    assert "Aucun lieu d'accueil" not in page_text(response)


@pytest.mark.browser
def test_a_resident_types_her_address_and_finds_how_to_get_an_appointment(
    live_server, page, transactional_db
):
    # given Sceaux's authorities, none taking bookings online yet
    build_world()
    # when a resident types her whole address on the home page
    page.goto(live_server.url + "/")
    page.fill("#id_q", "12 rue Houdan 92330 Sceaux")
    page.click("text=Voir mes services")
    # then she reaches Sceaux's services, which say no place books online yet
    page.wait_for_url("**/communes/92071/")
    assert "Aucun lieu d'accueil ne propose encore" in page.locator("#rendez-vous").inner_text()
    audit(page)
    # when she opens the passport appointment service
    page.goto(live_server.url + PASSPORT)
    # then it says so too, and offers to ask for an appointment
    assert page.locator("#sans-rendez-vous").is_visible()
    assert page.locator("a:has-text('Demander un rendez-vous')").count() == 1
    audit(page)
