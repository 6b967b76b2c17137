"""An SMS posted by the provider becomes a request in free text; above the threshold the
triage routes it to public lighting, and the agent sees the score."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from guichet.cases.models import Request
from guichet.core.models import Event
from guichet.triage import actions, synthetic
from guichet.triage.models import Suggestion

URL = "/canaux/sms/entrant/"
TOKEN = "jeton-du-fournisseur-sms"
LIGHTING = "eclairage-public-en-panne"
AUTH = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


@pytest.fixture
def sms(settings, world):
    settings.GUICHET_INBOUND_SMS_TOKEN = TOKEN
    world.sceaux.contact_phone = "01 41 13 33 00"
    world.sceaux.save(update_fields=["contact_phone"])
    return world


@pytest.fixture
def model(world):
    texts, labels = synthetic.corpus(1000)
    return actions.train_model(
        authority=world.sceaux, actor=actions.SYSTEM, texts=texts, labels=labels
    )


def send(client, capture, **fields):
    body = {"from": "+33612345678", "to": "+33141133300", "text": "lampadaire éteint rue Houdan"}
    with capture(execute=True):
        return client.post(URL, body | fields, **AUTH)


def test_an_sms_about_a_dark_street_lamp_is_routed_to_lighting_with_its_score_shown(
    sms, model, client, django_capture_on_commit_callbacks
):
    # when the provider posts the SMS received on Sceaux's number
    response = send(client, django_capture_on_commit_callbacks)
    # then a request on the SMS channel is filed for Sceaux and routed to public lighting
    assert response.status_code == 201, response.content
    request = Request.objects.get(reference=response.json()["reference"])
    assert (request.channel, request.authority) == ("sms", sms.sceaux)
    assert request.service.slug == LIGHTING
    assert request.person.identities.filter(kind="phone").exists()
    suggestion = Suggestion.objects.get(request=request)
    assert suggestion.outcome == Suggestion.Outcome.AUTO_ROUTED
    routed = Event.objects.get(kind="cases.request-requalified", case_id=request.pk)
    assert routed.payload["automatic"] and routed.payload["from_service"] == "demande-a-qualifier"
    # and the agent sees where it went and with what score, and the SMS as written
    client.force_login(sms.agent_sceaux)
    page = client.get(reverse("backoffice:request", args=[request.pk])).content.decode()
    assert "Demande orientée automatiquement vers" in page
    assert f"{round(suggestion.score * 100)} %" in page
    assert "lampadaire éteint rue Houdan" in page and "Description de la demande" in page


def test_without_a_model_the_sms_waits_for_the_triage_team(
    sms, client, django_capture_on_commit_callbacks
):
    response = send(client, django_capture_on_commit_callbacks, text="il y a un souci")
    assert response.status_code == 201
    request = Request.objects.get(reference=response.json()["reference"])
    assert request.service.slug == "demande-a-qualifier" and request.team.is_default
    assert not Suggestion.objects.filter(request=request).exists()


def test_a_json_call_is_accepted_too(sms, client, django_capture_on_commit_callbacks):
    body = {"from": "0612345678", "to": "0141133300", "text": "poubelle renversée"}
    response = client.post(URL, json.dumps(body), content_type="application/json", **AUTH)
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": "  "}, "Le SMS est vide."),
        ({"text": "x" * 1601}, "dépasse 1600"),
        ({"to": "0999999999"}, "Aucune collectivité ne reçoit"),
        ({"from": "pas un numéro"}, "Numéro d'expéditeur invalide"),
        ({"text": "a\x00b"}, ""),
    ],
)
def test_bad_calls_are_refused_in_french_and_write_nothing(
    sms, client, django_capture_on_commit_callbacks, fields, message
):
    before = Request.objects.count()
    response = send(client, django_capture_on_commit_callbacks, **fields)
    assert response.status_code == 400
    if message:  # a NUL byte is refused before the view, by the platform's middleware
        assert message in response.json()["erreur"]
    assert Request.objects.count() == before


def test_the_token_is_required_and_without_one_configured_the_endpoint_is_absent(
    sms, client, settings
):
    body = {"from": "0612345678", "to": "0141133300", "text": "lampadaire"}
    assert client.post(URL, body).status_code == 401
    assert client.post(URL, body, HTTP_AUTHORIZATION="Bearer faux").status_code == 401
    bad = client.post(URL, "{", content_type="application/json", **AUTH)
    assert bad.status_code == 400 and "JSON" in bad.json()["erreur"]
    wrong = client.post(URL, json.dumps({"from": 1}), content_type="application/json", **AUTH)
    assert wrong.status_code == 400
    settings.GUICHET_INBOUND_SMS_TOKEN = ""
    assert client.post(URL, body, **AUTH).status_code == 404
