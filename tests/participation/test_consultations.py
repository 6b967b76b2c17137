"""Consultations: the organisers' pages (phases refused per field), the residents' pages (open
consultations at my address, the consultation and idea pages, « Mes participations »), and
one-time participation with an e-mail code."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from notifications.servers import RecordingGateway
from support import built_for_the_module, refreshed

from guichet.core import clock
from guichet.core.journal import Actor
from guichet.participation.actions import consultations as act
from guichet.participation.actions import ideas as iact
from guichet.participation.models.consultations import Consultation
from guichet.participation.models.ideas import Idea, Support
from guichet.participation.refusals import Refused
from guichet.people.models import Identity, Person

from .consultation_world import build


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, build) as built:
        yield built


@pytest.fixture
def w(world, db):
    return refreshed(world)


def sign_in(client, person):
    session = client.session
    session["person_id"] = person.pk
    session.save()
    return client


def text_of(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def test_reversed_and_overlapping_phases_are_refused_per_field(w):
    now = clock.now()
    with pytest.raises(Refused) as caught:
        act.save_phases(actor=Actor.system(), consultation=w.consultation, rows=[
            {"kind": "information", "starts_at": now, "ends_at": now - timedelta(days=1)},
            {"kind": "contributions", "starts_at": now, "ends_at": now + timedelta(days=9)},
            {"kind": "vote", "starts_at": now + timedelta(days=5), "ends_at": now + timedelta(days=20)},
            {"kind": "vote", "starts_at": now + timedelta(days=30), "ends_at": now + timedelta(days=40)},
        ])  # fmt: skip
    errors = caught.value.errors
    assert errors["phases-0-ends_at"] == ["La fin doit être postérieure au début."]
    assert "chevauche l'étape « contributions »" in errors["phases-2-starts_at"][0]
    assert errors["phases-3-kind"] == ["Cette étape figure déjà plus haut."]
    assert w.consultation.phases.count() == 3  # nothing half-written


def test_the_organiser_page_shows_the_phase_errors_beside_their_fields(client, w):
    client.force_login(w.manager_sceaux)
    url = f"/agents/participation/consultations/{w.consultation.pk}/etapes/"
    assert "Ce que chaque étape ouvre" in text_of(client.get(url))
    response = client.post(url, {
        "phases-0-kind": "information", "phases-0-starts_at": "2026-05-10T10:00",
        "phases-0-ends_at": "2026-05-01T10:00",
        "phases-1-kind": "contributions", "phases-1-starts_at": "pas une date",
        "phases-1-ends_at": "2026-06-01T10:00",
    })  # fmt: skip
    assert response.status_code == 400
    page = text_of(response)
    assert 'id="phases-0-ends_at-erreur">La fin doit être postérieure au début.' in page
    assert 'id="phases-1-starts_at-erreur">Indiquez une date de début valide.' in page


def test_an_organiser_creates_a_consultation_and_another_authority_cannot_see_it(client, w):
    client.force_login(w.manager_sceaux)
    response = client.post("/agents/participation/consultations/nouvelle/", {
        "authority": w.sceaux.pk, "title": "Budget des quartiers", "scope": "authority",
        "categories": "Sport;Culture", "published": "1",
    })  # fmt: skip
    created = Consultation.objects.get(title="Budget des quartiers")
    assert response.status_code == 302 and created.categories == ["Sport", "Culture"]
    missing = client.post("/agents/participation/consultations/nouvelle/", {"title": ""})
    assert "Titre : ce champ est obligatoire." in text_of(missing)
    client.force_login(w.agent_tours)
    assert client.get(f"/agents/participation/consultations/{created.pk}/").status_code in (
        403,
        404,
    )


def test_the_open_consultations_at_my_address(client, w):
    page = text_of(client.get("/participer/", {"adresse": "12 rue Houdan 92330 Sceaux"}))
    assert "Sceaux 2030" in page and "Tours demain" not in page
    assert "étape en cours : <strong>contributions</strong>" in page
    page = text_of(client.get("/participer/", {"adresse": "37000 Tours"}))
    assert "Tours demain" in page and "Sceaux 2030" not in page


def test_the_consultation_page_shows_the_timeline_and_ideas(client, w):
    iact.propose_idea(consultation=w.consultation, person=w.claire, title="Des arbres rue Houdan",
                      text="Planter des tilleuls.")  # fmt: skip
    page = text_of(client.get(f"/participer/c/{w.consultation.pk}/"))
    assert "Information" in page and "en cours" in page and "à venir" in page
    assert "Des arbres rue Houdan" in page and "0 soutien" in page
    assert "identifiez-vous" in page  # nobody signed in: told what she needs


def test_a_signed_in_resident_proposes_and_supports_through_the_pages(client, w):
    sign_in(client, w.claire)
    url = f"/participer/c/{w.consultation.pk}/proposer/"
    bad = client.post(url, {"title": "", "text": "x", "lieu_lat": "abc", "lieu_lon": "2"})
    assert bad.status_code == 400
    assert "Titre : ce champ est obligatoire." in text_of(bad)
    assert "replacez-le" in text_of(bad)
    response = client.post(url, {"title": "Un marché bio", "text": "Le samedi.",
                                 "lieu_lat": "48.777", "lieu_lon": "2.29"})  # fmt: skip
    idea = Idea.objects.get(title="Un marché bio")
    assert response["Location"] == f"/participer/idee/{idea.pk}/"
    sign_in(client, w.david)
    client.post(f"/participer/idee/{idea.pk}/soutien/")
    again = client.post(f"/participer/idee/{idea.pk}/soutien/", follow=True)
    assert "Vous soutenez déjà cette idée" in text_of(again)
    assert "1 soutien" in text_of(again)
    client.post(f"/participer/idee/{idea.pk}/commenter/", {"texte": "J'y serai"})
    assert "J'y serai" in text_of(client.get(f"/participer/idee/{idea.pk}/"))


def test_an_ineligible_resident_is_sent_to_declare_where_she_lives(client, w):
    sign_in(client, w.tourangeau)
    response = client.get(f"/participer/c/{w.consultation.pk}/proposer/")
    assert response.status_code == 302 and response["Location"].startswith("/participer/lieu/")
    declared = client.post("/participer/lieu/", {"lien": "works", "adresse": "92330 Sceaux",
                                                 "suite": f"/participer/c/{w.consultation.pk}/proposer/"})  # fmt: skip
    assert declared["Location"] == f"/participer/c/{w.consultation.pk}/proposer/"
    assert client.get(declared["Location"]).status_code == 200


def test_one_time_participation_with_an_e_mail_code_then_attached_on_sign_in(client, w, mailoutbox):
    # given a resident without an account who wants to support an idea
    idea = iact.propose_idea(consultation=w.consultation, person=w.claire, title="Pistes cyclables",
                             text="Rue de Fontenay.")  # fmt: skip
    response = client.post(f"/participer/idee/{idea.pk}/soutien/")
    assert response["Location"].startswith("/participer/code/")
    # when she asks for a code by e-mail and types a wrong one, then the right one
    client.post("/participer/code/", {"canal": "email", "email": "Nadia@Exemple.fr",
                                      "suite": f"/participer/idee/{idea.pk}/"})  # fmt: skip
    code = re.search(r"\b(\d{6})\b", mailoutbox[-1].body).group(1)
    wrong = client.post("/participer/code/", {"code": "000000" if code != "000000" else "111111"})
    assert "Code incorrect. Il vous reste 4 essais." in text_of(wrong)
    ok = client.post("/participer/code/", {"code": code, "suite": f"/participer/idee/{idea.pk}/"})
    assert ok["Location"] == f"/participer/idee/{idea.pk}/"
    nadia = Identity.objects.get(value="nadia@exemple.fr").person
    # then she may support without an account (her address proves her; she declares Sceaux)
    client.post("/participer/lieu/", {"lien": "lives", "adresse": "92330 Sceaux"})
    client.post(f"/participer/idee/{idea.pk}/soutien/")
    assert Support.objects.filter(idea=idea, person=nadia).exists()
    # and when she later signs in with another account, her participation follows her
    account = Person.objects.create(first_name="Nadia", last_name="K")
    sign_in(client, account)
    page = text_of(client.get("/participer/mes-participations/", follow=True))
    assert "Vos participations ponctuelles sont rattachées à votre compte." in page
    assert "Pistes cyclables" in page
    assert Support.objects.filter(idea=idea, person=account).exists()


def test_a_code_for_an_invalid_address_is_refused_in_french(client, w):
    response = client.post("/participer/code/", {"canal": "email", "email": "pas-une-adresse"})
    assert response.status_code == 400
    assert 'id="email-erreur"' in response.content.decode()


def test_the_idea_page_shows_its_genealogy_and_follow_up(client, w):
    a = iact.propose_idea(consultation=w.consultation, person=w.claire, title="Bancs", text="…")
    b = iact.propose_idea(consultation=w.consultation, person=w.david, title="Tables", text="…")
    merge = iact.propose_merge(person=w.claire, ideas=[a, b], title="Coin pique-nique", text="…")
    sign_in(client, w.david)
    page = text_of(client.get(f"/participer/idee/{merge.result_id}/"))
    assert "J'accepte la fusion de mon idée" in page
    client.post(f"/participer/fusion/{merge.pk}/reponse/", {"reponse": "oui"})
    page = text_of(client.get(f"/participer/idee/{a.pk}/"))
    assert "Est devenue : " in page and "Coin pique-nique" in page
    iact.answer_idea(actor=Actor.agent(w.manager_sceaux), idea=merge.result, status="under_study")
    page = text_of(client.get(f"/participer/idee/{merge.result_id}/suivi/"))
    assert "à l'étude" in page


@pytest.fixture
def sms_gateway(settings):
    gateway = RecordingGateway().start()
    settings.GUICHET_SMS_TRANSPORT = "generic_http"
    settings.GUICHET_SMS_OPTIONS = {"url": f"{gateway.url}/sms", "auth_header": ""}
    yield gateway
    gateway.stop()


def test_one_time_participation_with_an_sms_code_through_the_gateway(client, w, sms_gateway):
    # when a resident asks for a code by SMS
    client.post("/participer/code/", {"canal": "phone", "phone": "06 11 22 33 44"})
    text = sms_gateway.requests[-1]["body"]["text"]
    assert "votre code de participation est" in text
    code = re.search(r"\b(\d{6})\b", text).group(1)
    # then the right code makes her a participant proved by SMS
    client.post("/participer/code/", {"code": code})
    identity = Identity.objects.get(kind="phone", value="+33611223344")
    assert identity.get_verification_display() == "SMS vérifié"
    # and a used code does not serve twice
    again = client.post("/participer/code/", {"code": code})
    assert "Aucun code en attente" in text_of(again)
