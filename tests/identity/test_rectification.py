"""Rectification: the resident corrects their name and address on « Mon compte » (not a name
FranceConnect vouches for), proves a new phone number by a code sent through a real local SMS
gateway, and an agent who may see the person rectifies the record with a reason."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from cases.factories import SYSTEM, build_world, file_request, person
from django.test import Client
from notifications.servers import RecordingGateway
from support import built_for_the_module, refreshed

from guichet.core import clock
from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.people import actions as people
from guichet.people.models import Identity, Person, Verification


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    def build():
        world = build_world()
        file_request(world)  # Alice has a request with Sceaux: its agents may see her
        return world

    with built_for_the_module(django_db_blocker, build) as world:
        yield world


@pytest.fixture
def world(_module_world, db):
    return refreshed(_module_world)


@pytest.fixture
def sms_gateway(settings):
    gateway = RecordingGateway().start()
    settings.GUICHET_SMS_TRANSPORT = "generic_http"
    settings.GUICHET_SMS_OPTIONS = {"url": f"{gateway.url}/sms", "auth_header": ""}
    yield gateway
    gateway.stop()


def signed_in(someone) -> Client:
    client = Client()
    session = client.session
    session["person_id"] = someone.pk
    session.save()
    return client


def page_messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


# --- the resident, on « Mon compte » ---------------------------------------------------------


def test_the_resident_corrects_their_name_and_address_and_nothing_else_moves(world):
    # given Jeanne, known by a verified e-mail
    jeanne = person("Jeane", "Dupond", email="jeanne.dupond@exemple.fr")
    client = signed_in(jeanne)
    # when she corrects her name and gives her address
    response = client.post(
        "/mon-compte/informations/",
        {"first_name": " Jeanne ", "last_name": "Dupont", "address": "3 rue Houdan\n92330 Sceaux"},
        follow=True,
    )
    # then the record holds them, the search columns follow, the e-mail keeps its level
    assert "Vos informations ont été corrigées." in page_messages(response)
    jeanne.refresh_from_db()
    assert (jeanne.first_name, jeanne.last_name, jeanne.address) == (
        "Jeanne", "Dupont", "3 rue Houdan 92330 Sceaux",
    )  # fmt: skip
    assert jeanne.search_name == "jeanne dupont"
    assert (jeanne.first_name_key, jeanne.last_name_key) == ("jea", "dup")
    email = jeanne.identities.get(kind=Identity.Kind.EMAIL)
    assert email.verification == Verification.EMAIL_VERIFIED
    # and one event names the fields, never their values
    (event,) = Event.objects.filter(kind="person.rectified", person_id=jeanne.pk)
    assert event.payload == {"fields": ["address", "first_name", "last_name"], "reason": "",
                             "by": "person"}  # fmt: skip
    assert "Dupont" not in str(event.payload) and "Houdan" not in str(event.payload)


def test_a_name_franceconnect_vouches_for_is_not_editable_but_the_address_is(world):
    # given Paul signed in once with FranceConnect
    paul = people.sign_in_with_account(
        provider="franceconnect", subject="fc-paul", email="paul.leroy@exemple.fr",
        first_name="Paul", last_name="Leroy",
    ).person  # fmt: skip
    client = signed_in(paul)
    # then « Mon compte » explains why the name has no field
    page = client.get("/mon-compte/").content.decode()
    assert "Votre nom vient de FranceConnect" in page
    assert 'name="last_name"' not in page and 'name="address"' in page
    # when he posts another name anyway, then it is refused and nothing is written
    response = client.post(
        "/mon-compte/informations/", {"last_name": "Leroi", "address": "1 place X"}, follow=True
    )
    assert "Votre nom vient de FranceConnect" in page_messages(response)
    paul.refresh_from_db()
    assert (paul.last_name, paul.address) == ("Leroy", "")
    # when he corrects only his address, then it is taken
    client.post("/mon-compte/informations/", {"address": "1 place du Général-de-Gaulle"})
    paul.refresh_from_db()
    assert paul.address == "1 place du Général-de-Gaulle"


def test_hostile_input_is_refused_in_french_and_writes_nothing(world):
    zoe = person("Zoé", "Martin", email="zoe.martin@exemple.fr")
    client = signed_in(zoe)
    # a NUL byte: the edge refuses it before any view
    response = client.post("/mon-compte/informations/", {"last_name": "Mar\x00tin"})
    assert response.status_code == 400
    assert "caractère" in response.content.decode().lower()
    # an overlong name: a precise French message
    response = client.post("/mon-compte/informations/", {"last_name": "x" * 500}, follow=True)
    assert "Le champ « nom » dépasse 120 caractères (500)." in page_messages(response)
    # a name emptied entirely, a list for a text, a field the resident may not edit
    response = client.post(
        "/mon-compte/informations/", {"first_name": "", "last_name": ""}, follow=True
    )
    assert "Veuillez indiquer au moins un nom ou un prénom." in page_messages(response)
    with pytest.raises(people.PeopleError, match="doit être un texte"):
        people.rectify_person(actor=Actor.person(zoe), person=zoe, changes={"address": ["x"]})
    with pytest.raises(people.PeopleError, match="Champs non modifiables"):
        people.rectify_person(actor=Actor.person(zoe), person=zoe, changes={"email": "a@b.fr"})
    zoe.refresh_from_db()
    assert (zoe.first_name, zoe.last_name) == ("Zoé", "Martin")
    assert not Event.objects.filter(kind="person.rectified", person_id=zoe.pk).exists()


# --- the phone number, proved by a code ------------------------------------------------------


def _code(gateway: RecordingGateway) -> str:
    return re.search(r"\b(\d{6})\b", gateway.requests[-1]["body"]["text"]).group(1)


def _ask_for_a_code(client, number="06 98 76 54 32"):
    response = client.post("/mon-compte/telephone/", {"phone": number})
    assert response.status_code == 302
    return response


def test_a_new_phone_counts_once_the_code_sent_to_it_is_typed(world, sms_gateway):
    # given Luc, with a declared phone
    luc = person("Luc", "Bernard", email="luc.bernard@exemple.fr", phone="06 11 11 11 11")
    client = signed_in(luc)
    # when he asks to change it, then a code goes by SMS to the new number only
    assert _ask_for_a_code(client)["Location"] == "/mon-compte/telephone/code/"
    (sent,) = sms_gateway.requests
    assert sent["body"]["to"] == "+33698765432"
    assert "valable 10 minutes" in sent["body"]["text"]
    # and nothing changed yet
    assert list(luc.identities.filter(kind="phone").values_list("value", flat=True)) == [
        "+33611111111"
    ]
    page = client.get("/mon-compte/telephone/code/").content.decode()
    assert "+33698765432" in page and "5 essais restants" in page
    # when he types the code (with a space), then the new number replaces the old, SMS-verified
    code = _code(sms_gateway)
    response = client.post("/mon-compte/telephone/code/", {"code": f"{code[:3]} {code[3:]}"})
    assert response.status_code == 302
    (phone,) = luc.identities.filter(kind="phone")
    assert (phone.value, phone.verification) == ("+33698765432", Verification.SMS_VERIFIED)
    assert Event.objects.filter(kind="person.phone_changed", person_id=luc.pk).count() == 1
    # and the code serves once
    response = client.post("/mon-compte/telephone/code/", {"code": code}, follow=True)
    assert "Aucun code en attente" in page_messages(response)


def test_a_wrong_code_counts_down_then_five_tries_kill_it(world, sms_gateway):
    eve = person("Ève", "Petit", email="eve.petit@exemple.fr")
    client = signed_in(eve)
    _ask_for_a_code(client)
    right = _code(sms_gateway)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    response = client.post("/mon-compte/telephone/code/", {"code": wrong}, follow=True)
    assert "Code incorrect. Il vous reste 4 essais." in page_messages(response)
    for _ in range(3):
        response = client.post("/mon-compte/telephone/code/", {"code": "abc"}, follow=True)
    assert "Il vous reste 1 essai." in page_messages(response)
    response = client.post("/mon-compte/telephone/code/", {"code": wrong}, follow=True)
    assert "demandez un nouveau code" in page_messages(response)
    # then even the right code is refused now
    response = client.post("/mon-compte/telephone/code/", {"code": right}, follow=True)
    assert "Aucun code en attente" in page_messages(response)
    assert not eve.identities.filter(kind="phone").exists()


def test_an_expired_code_is_refused(world, sms_gateway):
    max_ = person("Max", "Roux", email="max.roux@exemple.fr")
    client = signed_in(max_)
    _ask_for_a_code(client)
    code = _code(sms_gateway)
    with clock.frozen_at(clock.now() + timedelta(minutes=10, seconds=5)):
        response = client.post("/mon-compte/telephone/code/", {"code": code}, follow=True)
    assert "Ce code a expiré (10 minutes)" in page_messages(response)
    assert not max_.identities.filter(kind="phone").exists()


def test_a_gateway_that_fails_leaves_nothing_waiting(world, sms_gateway):
    ana = person("Ana", "Costa", email="ana.costa@exemple.fr")
    client = signed_in(ana)
    sms_gateway.always = 503
    response = client.post("/mon-compte/telephone/", {"phone": "0698765432"}, follow=True)
    assert "Le SMS n'a pas pu être envoyé." in page_messages(response)
    response = client.get("/mon-compte/telephone/code/", follow=True)
    assert "Aucun code en attente" in page_messages(response)
    # and a number that is not one is refused before any SMS
    response = client.post("/mon-compte/telephone/", {"phone": "12"}, follow=True)
    assert "n'est pas valide" in page_messages(response)
    assert len(sms_gateway.requests) == 1


# --- an agent, from the person's page --------------------------------------------------------


def _agent(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_agent_who_may_see_the_person_rectifies_with_a_reason(world):
    alice = world.alice
    client = _agent(world.agent_sceaux)
    form = client.get(f"/agents/usagers/{alice.pk}/rectifier/")
    assert form.status_code == 200 and 'value="alice@exemple.fr"' in form.content.decode()
    assert (
        f'href="/agents/usagers/{alice.pk}/rectifier/"'
        in client.get(f"/agents/usagers/{alice.pk}/").content.decode()
    )
    fields = {"first_name": "Alice", "last_name": "Martin-Lefèvre", "address": "3 rue Houdan",
              "email": "alice.martin@exemple.fr", "phone": "06 12 34 56 78"}  # fmt: skip
    # without a reason: refused in French, nothing written
    response = client.post(f"/agents/usagers/{alice.pk}/rectifier/", fields | {"reason": " "})
    assert response.status_code == 400
    assert "Veuillez indiquer le motif" in response.content.decode()
    # with one: the record changes, the e-mail is replaced by the typed (unproved) one
    reason = "demande de l'usagère au guichet, pièce d'identité présentée"
    response = client.post(f"/agents/usagers/{alice.pk}/rectifier/", fields | {"reason": reason})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.last_name, alice.search_name) == ("Martin-Lefèvre", "alice martin lefevre")
    (email,) = alice.identities.filter(kind="email")
    assert (email.value, email.verification) == ("alice.martin@exemple.fr", Verification.DECLARED)
    assert alice.identities.get(kind="phone").value == "+33612345678"  # unchanged
    (event,) = Event.objects.filter(kind="person.rectified", person_id=alice.pk)
    assert event.payload == {"fields": ["address", "email", "last_name"], "reason": reason,
                             "by": "agent"}  # fmt: skip
    assert event.actor_user_id == world.agent_sceaux.pk


def test_an_agent_who_may_not_see_the_person_gets_not_found(world):
    alice = world.alice
    client = _agent(world.agent_tours)
    assert client.get(f"/agents/usagers/{alice.pk}/rectifier/").status_code == 404
    response = client.post(
        f"/agents/usagers/{alice.pk}/rectifier/",
        {"first_name": "Mallory", "last_name": "X", "reason": "essai"},
    )
    assert response.status_code == 404
    assert Person.objects.get(pk=alice.pk).first_name == "Alice"
    assert not Event.objects.filter(kind="person.rectified", person_id=alice.pk).exists()


def test_the_agent_may_not_rename_a_person_franceconnect_vouches_for(world):
    someone = people.sign_in_with_account(
        provider="franceconnect", subject="fc-alice", email="alice@exemple.fr",
        first_name="Alice", last_name="Martin",
    ).person  # fmt: skip
    assert someone.pk == world.alice.pk  # her verified e-mail found her record
    with pytest.raises(people.PeopleError, match="vient de FranceConnect"):
        people.rectify_person(actor=Actor.agent(world.agent_sceaux), person=someone,
                              changes={"last_name": "Autre"}, reason="erreur")  # fmt: skip
    done = people.rectify_person(
        actor=SYSTEM, person=someone, changes={"address": "5 rue Houdan"}, reason="courrier"
    )
    assert done.changed == ("address",)


def test_the_agent_s_hostile_input_is_refused_in_french(world):
    bob = world.bob
    file_request(world, person=bob, commune=world.tours_commune)  # Tours may see Bob
    client = _agent(world.agent_tours)
    url = f"/agents/usagers/{bob.pk}/rectifier/"
    base = {"first_name": "Bob", "last_name": "Durand", "address": "", "email": "bob@exemple.fr",
            "phone": "", "reason": "erreur de saisie"}  # fmt: skip
    response = client.post(url, base | {"address": "a" * 301})
    assert response.status_code == 400
    assert "Le champ « adresse » dépasse 300 caractères (301)." in response.content.decode()
    response = client.post(url, base | {"last_name": "Du\x00rand"})
    assert response.status_code == 400
    response = client.post(url, base | {"email": "pas-une-adresse"})
    assert response.status_code == 400 and "pas-une-adresse" in response.content.decode()
    bob.refresh_from_db()
    assert (bob.last_name, bob.address) == ("Durand", "")
    assert not Event.objects.filter(kind="person.rectified", person_id=bob.pk).exists()
