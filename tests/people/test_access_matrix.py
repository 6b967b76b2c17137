"""Who may see a person (ADR 0017): the access matrix of the back office and the API.

An agent sees a person's identifying data only through a relationship between the person and
one of the agent's authorities: a request it handles or once held (filed there, handed to it),
an appointment at one of its places. Without one, the person is "not found" everywhere, for
every role; at the counter, an exact e-mail or phone shows just enough to recognise them, and
the access is journaled.
"""

from __future__ import annotations

from datetime import datetime, time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from support import built_for_the_module, refreshed

from guichet.api.keys import issue_key
from guichet.appointments import actions as appointments
from guichet.appointments.models import AppointmentType, Desk, OpeningHours, Place
from guichet.authorities import actions as authorities
from guichet.authorities.models import Role
from guichet.cases import actions as cases
from guichet.cases.models import Request
from guichet.catalogue.actions import load_catalogue
from guichet.catalogue.selectors import service_by_slug
from guichet.core import clock
from guichet.core.journal import Actor
from guichet.core.models import Event, User
from guichet.people import actions as people
from guichet.people import events
from guichet.territory.selectors import commune_by_code

SYSTEM = Actor.system("tests")
PARIS = ZoneInfo("Europe/Paris")
QUESTION = {
    "sujet": "Horaires de la mairie",
    "message": "Quels sont les horaires d'ouverture le samedi ?",
    "reponse_par": "courriel",
    "courriel": "bob.durand@exemple.fr",
}
INTAKE = "/agents/nouvelle-demande/"
# Bob Durand lives in Tours and only ever asked Tours something: what Sceaux must not read.
BOBS_DATA = ("Durand", "06 11 22 33 44", "+33611223344", "rue Nationale", "bob.durand@exemple.fr")
SCEAUX_ROLES = ["front", "handler", "manager"]


def _agent(username: str, authority, role: str) -> User:
    user = User.objects.create_user(username, f"{username}@exemple.fr", "motdepasse-solide-42")
    authorities.add_agent(actor=SYSTEM, user=user, authority=authority, role=role)
    return user


def _resident(first_name: str, last_name: str, email: str, phone: str, commune):
    return people.create_person(
        actor=SYSTEM, first_name=first_name, last_name=last_name, email=email,
        phone=phone or None, commune=commune, address=f"8 rue Nationale, {commune.name}",
    )  # fmt: skip


def build_world() -> SimpleNamespace:
    call_command("import_territory", verbosity=0, quiet=True)
    load_catalogue(actor=SYSTEM)
    w = SimpleNamespace(
        sceaux_commune=commune_by_code("92071"), tours_commune=commune_by_code("37261")
    )
    w.sceaux = authorities.create_authority(
        actor=SYSTEM, kind="commune", name="Ville de Sceaux", slug="sceaux",
        commune=w.sceaux_commune,
    )  # fmt: skip
    w.tours = authorities.create_authority(
        actor=SYSTEM, kind="commune", name="Ville de Tours", slug="tours", commune=w.tours_commune
    )
    w.front = _agent("accueil.sceaux", w.sceaux, Role.FRONT_DESK)
    w.handler = _agent("instructeur.sceaux", w.sceaux, Role.CASE_HANDLER)
    w.manager = _agent("responsable.sceaux", w.sceaux, Role.MANAGER)
    w.tours_agent = _agent("instructeur.tours", w.tours, Role.CASE_HANDLER)
    w.sceaux_key = issue_key(
        actor=SYSTEM, authority=w.sceaux, application="appli-sceaux", scopes=["read"]
    )[1]
    w.question = service_by_slug("question-generale")
    w.bob = _resident("Bob", "Durand", "bob.durand@exemple.fr", "06 11 22 33 44", w.tours_commune)
    w.bobs_request = file(w, w.bob, w.tours_commune)
    w.place = Place.objects.create(
        authority=w.sceaux, name="Mairie de Sceaux", commune=w.sceaux_commune
    )
    Desk.objects.create(place=w.place, name="Guichet 1")
    for weekday in range(5):
        OpeningHours.objects.create(place=w.place, weekday=weekday, start=time(9), end=time(12))
    w.urbanisme = AppointmentType.objects.create(
        place=w.place, name="Urbanisme", slug="urbanisme", duration_minutes=30
    )
    return w


def file(world, person, commune) -> Request:
    return cases.submit_request(
        service=world.question, person=person, channel="web", actor=Actor.person(person),
        form_data=QUESTION, commune=commune,
    )  # fmt: skip


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, build_world) as world:
        yield world


@pytest.fixture
def world(_module_world, db) -> SimpleNamespace:
    return refreshed(_module_world)


def signed_in(client, user):
    client.force_login(user)
    return client


def shows_nothing_of_bob(body: bytes) -> bool:
    text = body.decode()
    return not [secret for secret in BOBS_DATA if secret in text]


def what_sceaux_sees(client, world) -> dict[str, object]:
    """Every way a signed-in Sceaux agent could read Bob: page, searches, journey, API."""
    bob = world.bob.pk
    record = client.get(f"/agents/usagers/{bob}/")
    by_name = client.get(INTAKE, {"q": "Bob"})
    journey = client.get("/agents/parcours/", {"usager": bob})
    api_list = client.get("/api/v1/persons")
    api_one = client.get(f"/api/v1/persons/{bob}")
    return {
        "record": record.status_code,
        "found by name": bool(by_name.context["found"].visible),
        "journey": journey.status_code,
        "listed by the API": bob in {p["id"] for p in api_list.json()["items"]},
        "read by the API": api_one.status_code,
        "bodies": [record.content, by_name.content, journey.content, api_list.content,
                   api_one.content],
    }  # fmt: skip


@pytest.mark.parametrize("role", SCEAUX_ROLES)
def test_an_agent_of_sceaux_cannot_list_search_open_or_read_by_api_a_tours_resident(
    client, world, role
):
    # given Bob, who only asked Tours something, and a Sceaux agent of each role
    client = signed_in(client, getattr(world, role))
    # when they try every way to read him
    seen = what_sceaux_sees(client, world)
    # then he is "not found" everywhere (as one who does not exist), and no body holds his name,
    # phone, e-mail or address
    assert {k: v for k, v in seen.items() if k != "bodies"} == {
        "record": 404, "found by name": False, "journey": 404, "listed by the API": False,
        "read by the API": 404,
    }  # fmt: skip
    assert all(shows_nothing_of_bob(body) for body in seen["bodies"])
    missing = client.get("/agents/usagers/987654321/")
    assert missing.status_code == 404
    assert (
        missing.context["message"]
        == client.get(f"/agents/usagers/{world.bob.pk}/").context["message"]
    )  # the same answer as for a person who does not exist


def test_an_api_key_of_sceaux_cannot_read_a_tours_resident(client, world):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {world.sceaux_key}"}
    listed = client.get("/api/v1/persons", **headers)
    found_by_name = client.get("/api/v1/persons", {"q": "durand"}, **headers)
    one = client.get(f"/api/v1/persons/{world.bob.pk}", **headers)
    assert world.bob.pk not in {p["id"] for p in listed.json()["items"]}
    assert found_by_name.json()["items"] == []
    assert one.status_code == 404 and one.json()["detail"] == "Usager introuvable."
    assert all(shows_nothing_of_bob(r.content) for r in (listed, found_by_name, one))


def test_tours_reads_its_own_resident(client, world):
    # the positive control: the authority Bob asked sees all of him
    client = signed_in(client, world.tours_agent)
    page = client.get(f"/agents/usagers/{world.bob.pk}/").content.decode()
    assert "Durand" in page and "+33611223344" in page and "8 rue Nationale" in page
    assert client.get(f"/api/v1/persons/{world.bob.pk}").json()["address"].startswith("8 rue")


@pytest.mark.parametrize("role", SCEAUX_ROLES)
def test_sceaux_sees_a_person_once_they_file_a_request_with_it(client, world, role):
    # given Bob files a question with Sceaux
    file(world, world.bob, world.sceaux_commune)
    # when a Sceaux agent of each role looks for him
    seen = what_sceaux_sees(signed_in(client, getattr(world, role)), world)
    # then every way shows him, with his contacts and address
    assert {k: v for k, v in seen.items() if k != "bodies"} == {
        "record": 200, "found by name": True, "journey": 200, "listed by the API": True,
        "read by the API": 200,
    }  # fmt: skip
    record = seen["bodies"][0].decode()
    assert "+33611223344" in record and "8 rue Nationale" in record
    assert f"parcours/?usager={world.bob.pk}" in record
    # and still not his Tours request
    assert world.bobs_request.reference not in record


def test_a_hand_off_to_sceaux_gives_access_which_stays_after_it_moves_on(client, world):
    # given Bob's Tours request handed to Sceaux
    cases.hand_off(
        request=world.bobs_request, to_authority=world.sceaux, reason="compétence communale",
        actor=Actor.agent(world.tours_agent),
    )  # fmt: skip
    client = signed_in(client, world.handler)
    # then Sceaux reads him
    assert client.get(f"/agents/usagers/{world.bob.pk}/").status_code == 200
    # when Sceaux hands it back to Tours
    cases.hand_off(
        request=Request.objects.get(pk=world.bobs_request.pk), to_authority=world.tours,
        reason="erreur d'orientation", actor=Actor.agent(world.handler),
    )  # fmt: skip
    # then the request once went through Sceaux: Bob stays visible there (not the request)
    page = client.get(f"/agents/usagers/{world.bob.pk}/")
    assert page.status_code == 200 and world.bobs_request.reference not in page.content.decode()
    assert client.get(f"/api/v1/persons/{world.bob.pk}").status_code == 200


def test_an_appointment_at_a_sceaux_place_gives_access(client, world):
    # given Bob books an appointment at Sceaux's town hall
    with clock.frozen_at(datetime(2026, 11, 23, 8, tzinfo=PARIS)):
        appointments.book_appointment(
            appointment_type=world.urbanisme, start=datetime(2026, 11, 24, 9, tzinfo=PARIS),
            person=world.bob, actor=Actor.person(world.bob),
        )  # fmt: skip
    # then the front desk of Sceaux reads his record, and the API too
    client = signed_in(client, world.front)
    record = client.get(f"/agents/usagers/{world.bob.pk}/")
    assert record.status_code == 200 and "+33611223344" in record.content.decode()
    # (no request of Sceaux's: no link to a journey view that would have nothing to show)
    assert "parcours/?usager=" not in record.content.decode()
    assert client.get(f"/api/v1/persons/{world.bob.pk}").status_code == 200


def test_at_the_counter_an_exact_phone_recognises_and_the_access_is_journaled(client, world):
    # given Bob at Sceaux's counter, unknown to Sceaux
    client = signed_in(client, world.front)
    # when the agent types his whole phone number
    response = client.get(INTAKE, {"q": "06 11 22 33 44"})
    # then he is shown just enough to be recognised: first name, initial, masked contacts
    found = response.context["found"]
    page = response.content.decode()
    assert found.visible == [] and [r.pk for r in found.recognised] == [world.bob.pk]
    assert "Bob D. — b•••@exemple.fr — 06 •• •• •• 44" in page
    assert "Durand" not in page and "rue Nationale" not in page and "bob.durand" not in page
    assert f"/agents/usagers/{world.bob.pk}/" not in page  # no link to a record it may not read
    # and one journal event says who, when, which person and why
    event = Event.objects.get(kind=events.COUNTER_ACCESS)
    assert (event.actor_user, event.person_id) == (world.front, world.bob.pk)
    assert event.payload["reason"] == "création au guichet"
    assert event.payload["match"] == "phone"
    # when the agent picks him and files a request for him with Sceaux
    form = client.get(f"{INTAKE}demande/", {"personne": world.bob.pk, "canal": "counter"})
    assert form.status_code == 200 and shows_nothing_of_bob(form.content)
    filed = client.post(
        f"{INTAKE}demande/?personne={world.bob.pk}&canal=counter&service=question-generale"
        "&commune=92071",
        QUESTION,
    )
    assert filed.status_code == 302
    # then Bob has a relationship with Sceaux: his record opens, and shows the counter access
    record = client.get(f"/agents/usagers/{world.bob.pk}/").content.decode()
    assert "+33611223344" in record
    assert "par accueil.sceaux : création au guichet" in record


@pytest.mark.parametrize(
    "query", ["Bob Durand", "bob.durand@", "bob.durand@exemple", "06 11 22", "durand@exemple.fr"]
)
def test_a_name_a_prefix_or_a_partial_contact_finds_nobody_outside_and_logs_nothing(
    client, world, query
):
    response = signed_in(client, world.front).get(INTAKE, {"q": query})
    assert response.context["found"].all == []
    assert not Event.objects.filter(kind=events.COUNTER_ACCESS).exists()


def test_without_a_counter_look_up_the_intake_form_is_not_found(client, world):
    # a Sceaux agent who guesses Bob's id, without looking him up at the counter
    response = signed_in(client, world.front).get(f"{INTAKE}demande/", {"personne": world.bob.pk})
    assert response.status_code == 404 and shows_nothing_of_bob(response.content)
    # nor may they book an appointment for him
    booking = client.post(
        f"/agents/agendas/{world.place.pk}/reserver/",
        {"type": world.urbanisme.pk, "jour": "2026-11-24", "personne": world.bob.pk,
         "debut": "2026-11-24T09:00", "canal": "counter"},
    )  # fmt: skip
    assert booking.status_code == 400 and "recherchez puis choisissez" in booking.content.decode()


def test_a_duplicate_suspicion_names_the_other_record_only_if_visible(client, world):
    # given a Sceaux resident whose record looks like Bob's (same phone)
    lea = _resident("Léa", "Petit", "lea@exemple.fr", "06 11 22 33 44", world.sceaux_commune)
    file(world, lea, world.sceaux_commune)
    people.suspect_duplicate(actor=SYSTEM, person=lea, candidate=world.bob, reason="même téléphone")
    # when Sceaux opens Léa's record
    page = signed_in(client, world.handler).get(f"/agents/usagers/{lea.pk}/").content.decode()
    # then the suspicion is there, without Bob's name or a link to his record
    assert "même téléphone" in page and "une fiche sans lien avec vos collectivités" in page
    assert "Durand" not in page and f"/agents/usagers/{world.bob.pk}/" not in page


def test_the_person_search_reads_a_constant_number_of_queries(client, world):
    # given 3, then 9 Sceaux residents named Martin
    client = signed_in(client, world.handler)

    def search_with(count: int) -> int:
        while Request.objects.filter(person__last_name="Martin").count() < count:
            n = Request.objects.filter(person__last_name="Martin").count()
            martin = _resident(
                f"Jean{n}", "Martin", f"martin{n}@exemple.fr", "", world.sceaux_commune
            )
            file(world, martin, world.sceaux_commune)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(INTAKE, {"q": "martin"})
        assert len(response.context["found"].visible) == count
        return len(queries)

    # when the counter searches for "martin"
    # then the number of queries does not grow with the number of people found
    few, many = search_with(3), search_with(9)
    assert few == many
    assert many <= 20  # the page's frame (session, agent, menu) included


def test_a_merged_record_opens_with_its_survivor_and_not_otherwise(client, world):
    # given a Sceaux resident, and an older record of hers merged into it
    lea = _resident("Léa", "Petit", "lea@exemple.fr", "", world.sceaux_commune)
    file(world, lea, world.sceaux_commune)
    old = _resident("Léa", "Petit", "lea.petit@exemple.fr", "", world.sceaux_commune)
    people.merge_persons(actor=SYSTEM, survivor=lea, merged=old)
    client = signed_in(client, world.front)
    # then the old record's address still opens, saying where it went
    page = client.get(f"/agents/usagers/{old.pk}/")
    assert page.status_code == 200 and "a été fusionnée dans celle de" in page.content.decode()
    # but not for Tours, which has nothing to do with her
    tours = signed_in(client, world.tours_agent).get(f"/agents/usagers/{old.pk}/")
    assert tours.status_code == 404 and "Petit" not in tours.content.decode()
