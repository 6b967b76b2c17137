"""Per-key rate limits: past the limit, 429 with Retry-After."""

from __future__ import annotations

from .factories import auth


def test_past_the_limit_a_key_gets_429_with_retry_after(client, world, settings):
    # given a limit of 3 calls a minute
    settings.GUICHET_API_RATE_LIMIT = 3
    # when a key calls four times
    answers = [client.get("/api/v1/services", **auth(world.sceaux_key)) for _ in range(4)]
    # then the fourth is refused, saying when to come back
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.json()["code"] == "trop_de_requetes"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "réessayez" in refused.json()["detail"]


def test_each_key_has_its_own_budget(client, world, settings):
    # given a limit of 2 calls a minute spent by Sceaux
    settings.GUICHET_API_RATE_LIMIT = 2
    for _ in range(3):
        client.get("/api/v1/services", **auth(world.sceaux_key))
    # when Tours calls
    response = client.get("/api/v1/services", **auth(world.tours_key))
    # then it is served
    assert response.status_code == 200
