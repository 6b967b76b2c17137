"""A world for the rights tests: the request tests' authorities and persons, with Alice's
requests, messages, attachment, appointment, notifications and consent; Bob's request."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from appointments.factories import make_place, paris
from cases.factories import SYSTEM, build_world, file_request, pdf
from support import built_for_the_module, refreshed

from guichet.appointments import actions as appointments
from guichet.appointments.models import AppointmentType
from guichet.cases import actions as cases
from guichet.core import clock
from guichet.core.journal import Actor
from guichet.people import actions as people

NOW = paris(2026, 11, 23, 8, 0)  # a Monday morning
TUESDAY_9 = paris(2026, 11, 24, 9, 0)
# A word planted in Bob's data: it must never appear in Alice's export.
BOBS_SECRET = "Zanzibar-Bob-7731"


def build_rights_world() -> SimpleNamespace:
    w = build_world()
    with clock.frozen_at(NOW):
        w.pothole = file_request(w, person=w.alice)
        cases.send_message(
            request=w.pothole, actor=Actor.agent(w.agent_sceaux), body="Nous passons jeudi."
        )
        cases.reply_as_person(
            request=w.pothole, actor=Actor.person(w.alice), body="Merci, je serai là.",
            files=[pdf("photo-du-trou.pdf")],
        )  # fmt: skip
        cases.add_note(
            request=w.pothole, actor=Actor.agent(w.agent_sceaux), body="Équipe B prévenue."
        )
        w.place = make_place(w.sceaux, "Mairie de Sceaux — accueil", commune=w.sceaux_commune)
        w.type = AppointmentType.objects.create(
            place=w.place, name="Urbanisme", slug="urbanisme", duration_minutes=30
        )
        w.appointment = appointments.book_appointment(
            appointment_type=w.type, start=TUESDAY_9, person=w.alice, actor=Actor.person(w.alice)
        )
        people.record_consent(
            actor=SYSTEM, person=w.alice, purpose="surveys", granted=True, source="portail"
        )
        w.bobs = file_request(
            w, person=w.bob, commune=w.tours_commune,
            form_data={"nature": "nid_de_poule", "description": BOBS_SECRET,
                       "emplacement": {"lat": 47.3936, "lon": 0.6892}},
        )  # fmt: skip
    return w


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    with (
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        built_for_the_module(django_db_blocker, build_rights_world) as world,
    ):
        yield world


@pytest.fixture
def world(_module_world, db) -> SimpleNamespace:
    return refreshed(_module_world)


@pytest.fixture
def signed_in_person(client):
    """The portal's client signed in as a person (as the e-mail link or FranceConnect do)."""

    def sign_in(person):
        session = client.session
        session["person_id"] = person.pk
        session.save()
        return client

    return sign_in
