"""Every way a FranceConnect sign-in can go wrong ends on a French page, never signed in,
never a 500 (the provider is a real process: oidc-provider-mock on 127.0.0.1)."""

from __future__ import annotations

from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from guichet.people.models import Person

from .conftest import (
    FC_CLAIMS,
    closed_port,
    consent_at_provider,
    provider_settings,
    register_user,
    start,
)
from .provider import running_provider

pytestmark = pytest.mark.django_db


def assert_refused(response, status: int, words: str) -> None:
    page = unescape(response.content.decode())
    assert response.status_code == status, page[:500]
    assert words in page
    assert "Vous n’êtes pas connecté(e)." in page
    assert "person_id" not in response.wsgi_request.session
    assert not Person.objects.filter(identities__provider="franceconnect").exists()


def with_query(back: str, **changes) -> str:
    path, _, query = back.partition("?")
    params = {k: v[0] for k, v in parse_qs(query).items()} | changes
    return path + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def test_a_wrong_state_is_refused(client, franceconnect):
    register_user(franceconnect, "fc-state", **FC_CLAIMS)
    back = consent_at_provider(start(client), "fc-state")
    response = client.get(with_query(back, state="etat-fabrique-par-un-tiers-0123456789"))
    assert_refused(
        response, 400, "Cette connexion a expiré ou a été ouverte dans un autre navigateur."
    )


def test_the_provider_s_answer_serves_once(client, franceconnect):
    # given a sign-in that went through
    register_user(franceconnect, "fc-twice", **FC_CLAIMS | {"email": "twice@exemple.fr"})
    back = consent_at_provider(start(client), "fc-twice")
    assert client.get(back).status_code == 302
    client.post("/deconnexion/")
    # when the same answer (code and state) comes back again
    response = client.get(back)
    # then it is refused
    assert response.status_code == 400
    assert "person_id" not in response.wsgi_request.session


def test_an_id_token_with_another_sign_in_s_nonce_is_refused(client, franceconnect):
    # given an answer of the provider for a first sign-in (its code carries that nonce)
    register_user(franceconnect, "fc-nonce", **FC_CLAIMS)
    first = consent_at_provider(start(client), "fc-nonce")
    code = parse_qs(urlsplit(first).query)["code"][0]
    # when a second sign-in is started and the first one's code is replayed into it
    second = parse_qs(urlsplit(start(client)).query)
    response = client.get(
        f"/connexion/franceconnect/callback/?code={code}&state={second['state'][0]}"
    )
    # then the ID token's nonce is not this sign-in's: refused
    assert_refused(response, 400, "n'a pas pu être vérifiée")


def test_an_id_token_signed_by_another_key_is_refused(client, franceconnect):
    franceconnect.facade.forge = "foreign-key"
    register_user(franceconnect, "fc-forged", **FC_CLAIMS)
    response = client.get(consent_at_provider(start(client), "fc-forged"))
    assert_refused(response, 400, "n'a pas pu être vérifiée")


def test_an_expired_id_token_is_refused(client, franceconnect):
    franceconnect.facade.signing, franceconnect.facade.forge = "ES256", "expired"
    register_user(franceconnect, "fc-expired", **FC_CLAIMS)
    response = client.get(consent_at_provider(start(client), "fc-expired"))
    assert_refused(response, 400, "a expiré")


def test_a_sign_in_cancelled_at_the_provider(client, franceconnect):
    authorize = start(client)
    denied = requests.post(authorize, data={"action": "deny"}, allow_redirects=False, timeout=5)
    back = urlsplit(denied.headers["Location"])
    response = client.get(f"{back.path}?{back.query}")
    assert_refused(response, 400, "La connexion avec FranceConnect a été annulée.")


def test_a_provider_that_is_down_before_the_sign_in(client, settings):
    settings.GUICHET_FRANCECONNECT = provider_settings(f"http://127.0.0.1:{closed_port()}")
    response = client.post("/connexion/franceconnect/")
    assert_refused(response, 502, "FranceConnect ne répond pas pour le moment.")


def test_a_provider_that_goes_down_during_the_sign_in(client, settings, oidc_provider):
    # given a provider that answers the start of the sign-in, then stops
    with running_provider("guichet-tests") as (issuer, _facade):
        settings.GUICHET_FRANCECONNECT = provider_settings(issuer)
        back = consent_at_provider(start(client), "fc-down")
    # when the browser comes back with its code
    response = client.get(back)
    # then the page says the provider does not answer (502)
    assert_refused(response, 502, "FranceConnect ne répond pas pour le moment.")
