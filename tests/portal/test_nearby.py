""" "Already reported nearby" on the portal: the fragment the request form asks for, hostile
points refused in French, and following a report (signed in or with an e-mail)."""

from __future__ import annotations

import pytest

from guichet.cases.models import Follower, Request
from guichet.people.models import Identity, Person
from guichet.portal.session import PERSON_KEY

from .conftest import counts, file_request, form_url, page_text

NEARBY_URL = "/services/signalement-voirie/signalements-proches/"
NEAR_SCEAUX = {"lat": "48.77786", "lon": "2.2905"}  # about 40 m north of IN_SCEAUX


@pytest.fixture
def roads(world):
    world.voirie.nearby_radius_m, world.voirie.nearby_days = 50, 30
    world.voirie.save(update_fields=["nearby_radius_m", "nearby_days"])
    return world.voirie


def test_the_form_offers_the_reports_already_open_nearby_without_personal_data(
    client, world, roads
):
    # given Jeanne's report of a pothole in Sceaux
    filed = file_request(client)
    # and the form of the service has the region the script fills
    assert (
        'id="signalements-proches"' in client.get(form_url("signalement-voirie")).content.decode()
    )
    # when someone else places a point 40 m away
    response = client.get(NEARBY_URL, NEAR_SCEAUX)
    # then the fragment offers to follow it, with its distance and age, and nothing personal
    assert response.status_code == 200
    text = page_text(response)
    assert "Déjà signalé à 40 m il y a moins d'une heure" in text
    assert "en cours" in text and "Suivre ce signalement" in text
    assert f"/signalements/{filed.reference}/suivre/" in response.content.decode()
    assert "Jeanne" not in text and "Martin" not in text and "trou profond" not in text.lower()
    assert "devant le 12 rue Houdan" not in text
    # and the summary shows only when the service shows its reports publicly
    assert "Signalement voirie" in text or roads.name in text
    roads.public_reports = True
    roads.save(update_fields=["public_reports"])
    assert filed.summary in page_text(client.get(NEARBY_URL, NEAR_SCEAUX))


def test_nothing_is_offered_far_away_or_when_the_service_looks_nothing_up(client, world, roads):
    file_request(client)
    assert page_text(client.get(NEARBY_URL, {"lat": "48.7800", "lon": "2.2905"})) == ""
    roads.nearby_radius_m = 0
    roads.save(update_fields=["nearby_radius_m"])
    assert page_text(client.get(NEARBY_URL, NEAR_SCEAUX)) == ""
    assert (
        'id="signalements-proches"'
        not in client.get(form_url("signalement-voirie")).content.decode()
    )


@pytest.mark.parametrize(
    "query, message",
    [
        ({}, "Indiquez la latitude"),
        ({"lat": "48.7"}, "Indiquez la longitude"),
        ({"lat": "abc", "lon": "2.2"}, "doit être un nombre"),
        ({"lat": "nan", "lon": "2.2"}, "comprise entre"),
        ({"lat": "inf", "lon": "2.2"}, "comprise entre"),
        ({"lat": "1e308", "lon": "2.2"}, "comprise entre"),
        ({"lat": "91", "lon": "2.2"}, "comprise entre -90 et 90"),
        ({"lat": "48.7", "lon": "-181"}, "comprise entre -180 et 180"),
        ({"lat": "4" * 200, "lon": "2.2"}, "trop longue"),
        ({"lat": ["48.7", "48.8"], "lon": "2.2"}, None),
    ],
)
def test_a_hostile_point_is_refused_in_french(client, roads, query, message):
    response = client.get(NEARBY_URL, query)
    if message is None:  # the last of repeated values counts, as everywhere in Django
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert message in response.content.decode()


def test_nul_bytes_and_an_unknown_service_never_give_a_500(client, roads):
    assert client.get(NEARBY_URL + "?lat=48%00&lon=2").status_code == 400
    assert client.get("/services/inconnu/signalements-proches/", NEAR_SCEAUX).status_code == 404


def test_a_visitor_follows_a_report_with_an_email_and_is_thanked(client, world, roads):
    # given Jeanne's report
    filed = file_request(client)
    visitor = client.__class__()
    follow_url = f"/signalements/{filed.reference}/suivre/"
    # when a visitor opens « Suivre ce signalement »
    page = visitor.get(follow_url)
    assert page.status_code == 200
    assert "Comment vous prévenir ?" in page_text(page)
    assert "Jeanne" not in page_text(page)
    # and sends no way to reach them: refused in French, nothing written
    before = counts()
    refused = visitor.post(follow_url, {"contact-email": "", "contact-phone": ""})
    assert refused.status_code == 400 and "Indiquez au moins un moyen" in page_text(refused)
    assert counts() == before
    # and then an e-mail
    done = visitor.post(follow_url, {"contact-email": "paul@example.fr"})
    # then they follow it and the confirmation says so
    assert done.status_code == 303
    thanks = visitor.get(done["Location"])
    assert thanks.status_code == 200
    assert f"Vous suivez le signalement {filed.reference}" in page_text(thanks)
    assert "vous serez prévenu(e) de son traitement" in page_text(thanks).lower()
    follower = Follower.objects.get(request=filed)
    assert follower.person.identities.get(kind=Identity.Kind.EMAIL).value == "paul@example.fr"
    # and the confirmation is this browser's only
    assert client.__class__().get(done["Location"]).status_code == 302


def test_a_signed_in_person_follows_in_one_click(client, world, roads):
    filed = file_request(client)
    paul = Person.objects.create(first_name="Paul", last_name="Durand")
    signed_in = client.__class__()
    session = signed_in.session
    session[PERSON_KEY] = paul.pk
    session.save()
    page = signed_in.get(f"/signalements/{filed.reference}/suivre/")
    assert "Vous le suivrez en tant que Paul Durand" in page_text(page)
    done = signed_in.post(f"/signalements/{filed.reference}/suivre/")
    assert done.status_code == 303
    assert Follower.objects.filter(request=filed, person=paul).exists()


def test_following_ones_own_or_an_unknown_report_is_refused(client, world, roads):
    filed = file_request(client)
    filer = filed.person
    own = client.__class__()
    session = own.session
    session[PERSON_KEY] = filer.pk
    session.save()
    response = own.post(f"/signalements/{filed.reference}/suivre/")
    assert response.status_code == 400 and "votre propre signalement" in page_text(response)
    assert client.get("/signalements/ZZZZ-ZZZZ-ZZ/suivre/").status_code == 404
    assert client.get("/signalements/%00/suivre/").status_code in (400, 404)
    # a service that offers neither nearby reports nor a public map cannot be followed
    roads.nearby_radius_m = 0
    roads.save(update_fields=["nearby_radius_m"])
    assert client.get(f"/signalements/{filed.reference}/suivre/").status_code == 404
    assert not Follower.objects.exists()
    assert Request.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"contact-email": "paul\x00@example.fr"},
        {"contact-email": "x" * 5000},
        {"contact-email": "pas-une-adresse"},
        {"contact-phone": "06 12"},
        {"contact-email": ["a@example.fr", "b@example.fr"], "contact-first_name": "é" * 500},
    ],
)
def test_a_hostile_follow_is_refused_in_french_and_writes_nothing(client, world, roads, data):
    filed = file_request(client)
    before = counts()
    response = client.__class__().post(f"/signalements/{filed.reference}/suivre/", data)
    assert response.status_code == 400
    assert counts() == before and not Follower.objects.exists()
