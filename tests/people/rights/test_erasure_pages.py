"""The erasure pages: the agent's confirmation page on the person record, the resident's
« Effacer mes données »."""

from __future__ import annotations

import pytest
from cases.factories import agent, build_world, file_request
from django.urls import reverse
from support import built_for_the_module, refreshed

from guichet.authorities.models import Role
from guichet.cases.models import Request
from guichet.core.models import Event
from guichet.people.models import Person
from guichet.people.rights import erasure


@pytest.fixture(scope="module")
def _pages_world(django_db_setup, django_db_blocker):
    def build():
        w = build_world()
        w.manager_tours = agent("responsable.tours", w.tours, Role.MANAGER)
        return w

    with built_for_the_module(django_db_blocker, build) as built:
        yield built


@pytest.fixture
def world(_pages_world, db):
    return refreshed(_pages_world)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def as_agent(client, user):
    client.force_login(user)
    return client


def as_person(client, person):
    session = client.session
    session["person_id"] = person.pk
    session.save()
    return client


def test_the_manager_confirms_then_erases_from_the_person_page(client, world):
    # given Alice with an open report at Sceaux, and Sceaux's manager on her record
    request = file_request(world, "signalement-voirie")
    as_agent(client, world.manager_sceaux)
    page = client.get(reverse("backoffice:person", args=[world.alice.pk]))
    assert "Effacer les données de cette personne" in page.content.decode()
    # when the manager opens the confirmation page
    url = reverse("backoffice:person_erase", args=[world.alice.pk])
    confirm = client.get(url).content.decode()
    # then it lists what will happen, in French
    assert "1 demande anonymisée" in confirm and "2 identifiants" in confirm
    assert f"La demande {request.reference}" in confirm and "Je confirme" in confirm
    # when they submit without ticking the box, nothing happens and they are told why
    refused = client.post(url)
    assert refused.status_code == 400
    assert "Cochez la case pour confirmer" in refused.content.decode()
    assert not Person.objects.get(pk=world.alice.pk).is_erased
    # when they confirm, the person is erased and the record says so
    done = client.post(url, {"confirm": "1"}, follow=True)
    assert "ont été effacées" in done.content.decode()
    assert Person.objects.get(pk=world.alice.pk).is_erased
    assert "Effacer les données de cette personne" not in done.content.decode()


def test_only_a_manager_who_may_see_the_person_reaches_the_page(client, world):
    # given Alice, related to Sceaux only by her request
    file_request(world, "signalement-voirie")
    url = reverse("backoffice:person_erase", args=[world.alice.pk])
    # then Sceaux's case handler sees no button and gets "not found"
    as_agent(client, world.agent_sceaux)
    page = client.get(reverse("backoffice:person", args=[world.alice.pk])).content.decode()
    assert "Effacer les données de cette personne" not in page
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "1"}).status_code == 404
    # and a manager of Tours, who may not see Alice at all, gets "not found" too
    as_agent(client, world.manager_tours)
    missing = client.get(url)
    assert missing.status_code == 404 and "Usager introuvable" in missing.content.decode()
    assert not Person.objects.get(pk=world.alice.pk).is_erased


def test_a_dossier_in_instruction_shows_why_the_data_is_kept(client, world):
    # given Alice's birth certificate request still in instruction
    request = file_request(world, "acte-de-naissance")
    as_agent(client, world.manager_sceaux)
    page = client.get(reverse("backoffice:person_erase", args=[world.alice.pk]))
    # then the page says why, and offers no erasure
    text = page.content.decode()
    assert "L'effacement n'est pas possible maintenant" in text
    assert f"La demande {request.reference}" in text and "Effacer définitivement" not in text


def test_the_resident_erases_their_data_and_is_signed_out(client, world):
    # given Alice signed in, with a finished request
    file_request(world, "eclairage-public-en-panne")
    Request.objects.filter(person=world.alice).update(public_status="done", state="resolved")
    as_person(client, world.alice)
    url = reverse("identity:erasure")
    assert "Effacer définitivement mes données" in client.get(url).content.decode()
    # when she confirms
    done = client.post(url)
    # then her data is erased, her session ends, and her account page asks to sign in
    assert done.status_code == 200 and "Vos données ont été effacées" in done.content.decode()
    assert Person.objects.get(pk=world.alice.pk).is_erased
    assert client.get(url).status_code == 302
    assert Event.objects.filter(kind=erasure.ERASED_KIND, actor_type="person").count() == 1


def test_the_resident_with_a_dossier_in_instruction_is_told_why_and_agents_are_told(client, world):
    # given Alice signed in, with a birth certificate request in instruction
    request = file_request(world, "acte-de-naissance")
    as_person(client, world.alice)
    url = reverse("identity:erasure")
    page = client.get(url).content.decode()
    assert "Vos données doivent encore être conservées" in page
    assert f"La demande {request.reference}" in page
    # when she sends her request anyway
    sent = client.post(url).content.decode()
    # then nothing is erased, she is told it is passed on, and the agents see it on her record
    assert "Votre demande est transmise" in sent
    assert not Person.objects.get(pk=world.alice.pk).is_erased
    event = Event.objects.get(kind=erasure.REQUESTED_KIND, person_id=world.alice.pk)
    assert event.authority_id == request.authority_id and event.payload == {"blockers": 1}


def test_the_erasure_page_asks_a_stranger_to_sign_in(client, world):
    assert client.get(reverse("identity:erasure")).status_code == 302
