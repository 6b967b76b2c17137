"""API keys: who gets in, with which rights, and when they were last used."""

from __future__ import annotations

import pytest

from guichet.api.keys import revoke_key
from guichet.api.models import ApiKey

from .factories import SYSTEM, auth, new_request_body

URL = "/api/v1/requests"


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_AUTHORIZATION": "Bearer abcd.efgh"}, {"HTTP_X_API_KEY": "pas-une-cle"}],
    ids=["missing", "unknown", "malformed"],
)
def test_a_call_without_a_valid_key_is_a_401_in_french(client, world, headers):
    # given no key, an unknown one or a malformed one
    # when the list is asked for
    response = client.get(URL, **headers)
    # then 401 with a French message and the Bearer challenge
    assert response.status_code == 401
    assert response.json()["code"] == "non_authentifie"
    assert "Authentification requise" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_key_is_refused(client, world):
    # given a key that worked, then revoked
    assert client.get(URL, **auth(world.sceaux_key)).status_code == 200
    revoke_key(actor=SYSTEM, api_key=ApiKey.objects.get(prefix=world.sceaux_key.split(".")[0]))
    # when it is used again
    response = client.get(URL, **auth(world.sceaux_key))
    # then 401
    assert response.status_code == 401


def test_the_secret_must_match_not_only_the_prefix(client, world):
    # given the prefix of a real key with another secret
    prefix = world.sceaux_key.split(".")[0]
    # when it is used
    response = client.get(URL, **auth(f"{prefix}.devine"))
    # then 401
    assert response.status_code == 401


def test_the_key_may_come_in_the_x_api_key_header(client, world):
    # given a valid key sent as X-API-Key
    # when the caller asks who they are
    response = client.get("/api/v1/me", HTTP_X_API_KEY=world.sceaux_read_key)
    # then the application and its rights come back
    assert response.status_code == 200
    assert response.json()["name"] == "lecture-sceaux" and response.json()["scopes"] == ["read"]
    assert [a["slug"] for a in response.json()["authorities"]] == ["sceaux"]


def test_a_read_only_key_cannot_post(client, world):
    # given a read-only key
    # when it tries to file a request
    response = client.post(
        URL, new_request_body(), content_type="application/json", **auth(world.sceaux_read_key)
    )
    # then 403 naming the missing right
    assert response.status_code == 403
    assert response.json()["code"] == "droit_manquant"
    assert "écriture" in response.json()["detail"]


def test_a_read_only_key_reads(client, world):
    # given a read-only key
    # when it lists the requests
    response = client.get(URL, **auth(world.sceaux_read_key))
    # then it may
    assert response.status_code == 200


def test_a_write_only_key_cannot_read(client, world):
    # given a key with only the write right
    from .factories import key

    write_only = key(world.sceaux, "write")
    # when it reads
    response = client.get(URL, **auth(write_only))
    # then 403
    assert response.status_code == 403


def test_using_a_key_records_its_last_use(client, world):
    # given a key never used
    api_key = ApiKey.objects.get(prefix=world.tours_key.split(".")[0])
    assert api_key.last_used_at is None
    # when it is used
    client.get(URL, **auth(world.tours_key))
    # then its last use is recorded
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None
