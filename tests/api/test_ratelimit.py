"""Per-key rate limits: past the limit, 429 with Retry-After."""

from __future__ import annotations

from guichet.api.keys import issue_key
from guichet.core.journal import Actor

from .factories import auth


def test_past_the_limit_a_key_gets_429_with_retry_after(client, world, settings, one_rate_window):
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


def test_a_key_with_its_own_limit_is_counted_against_it(client, world, settings, one_rate_window):
    # given a common limit of 2 calls a minute and an import key allowed 4
    settings.GUICHET_API_RATE_LIMIT = 2
    import_key = issue_key(
        actor=Actor.system("tests"), authority=world.sceaux, application="import",
        scopes=["read"], rate_limit=4,
    )[1]  # fmt: skip
    # when the import key calls five times
    answers = [client.get("/api/v1/services", **auth(import_key)) for _ in range(5)]
    # then its own limit applies, not the common one
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
