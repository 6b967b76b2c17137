"""Idempotency-Key: a retried POST returns the first answer and never files twice."""

from __future__ import annotations

from guichet.cases.models import Request

from .factories import auth, file_request, new_request_body

URL = "/api/v1/requests"


def post(client, world, body, key, raw_key=None):
    return client.post(
        URL, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key,
        **auth(raw_key or world.sceaux_key),
    )  # fmt: skip


def test_the_same_key_twice_files_one_request_and_answers_the_same(client, world):
    # given a first filing with an idempotency key
    before = Request.objects.count()
    first = post(client, world, new_request_body(), "essai-1")
    # when the client retries it
    second = post(client, world, new_request_body(), "essai-1")
    # then one request, and the same status and body twice
    assert Request.objects.count() == before + 1
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()


def test_the_same_key_with_another_body_is_a_409(client, world):
    # given a key already used
    post(client, world, new_request_body(), "essai-2")
    # when it comes back with a different body
    response = post(client, world, new_request_body(address="5 rue Houdan"), "essai-2")
    # then 409 in French, nothing filed
    assert response.status_code == 409
    assert response.json()["code"] == "cle_idempotence_reutilisee"
    assert "déjà servi" in response.json()["detail"]


def test_keys_belong_to_one_client(client, world):
    # given Sceaux used a key
    post(client, world, new_request_body(), "commune")
    # when Tours uses the same key for its own request (in Tours)
    body = new_request_body(
        commune="37261",
        form_data={
            "nature": "nid_de_poule",
            "description": "Trou.",
            "emplacement": {"lat": 47.3936, "lon": 0.6892},
        },
    )
    response = post(client, world, body, "commune", raw_key=world.tours_key)
    # then it is a new request of Tours, not Sceaux's answer
    assert response.status_code == 201 and response.json()["authority"] == "Ville de Tours"


def test_a_refused_attempt_is_not_remembered(client, world):
    # given a first attempt refused for a bad form
    refused = post(client, world, new_request_body(form_data={}), "essai-3")
    assert refused.status_code == 422
    # when the client retries the same key with a different, valid body
    response = post(client, world, new_request_body(), "essai-3")
    # then it is filed: nothing was stored for the failed attempt
    assert response.status_code == 201


def test_a_retried_transition_moves_once(client, world):
    # given a request taken in charge with a key
    request = file_request(world)
    url = f"{URL}/{request.reference}/transitions"
    body = {"to": "in_progress"}
    first = client.post(
        url,
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="t-1",
        **auth(world.sceaux_key),
    )
    # when the client retries (the move is no longer allowed from the new state)
    second = client.post(
        url,
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="t-1",
        **auth(world.sceaux_key),
    )
    # then the first answer is replayed instead of a 409
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json() == second.json()
