"""A real OpenID Connect provider process on 127.0.0.1 for the module, and helpers to sign in
through it with Django's test client (the browser tests drive Chromium instead)."""

from __future__ import annotations

import socket
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import requests

from .provider import running_provider

CLIENT_ID = "guichet-tests"
CLIENT_SECRET = "secret-des-tests"  # noqa: S105


@pytest.fixture(scope="module")
def oidc_provider():
    """oidc-provider-mock behind the FranceConnect-like facade, in its own process on a free port."""
    with running_provider(CLIENT_ID) as (issuer, facade):
        yield SimpleNamespace(issuer=issuer, facade=facade)


def provider_settings(issuer: str) -> dict[str, str]:
    return {"issuer": issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}


@pytest.fixture
def franceconnect(oidc_provider, settings):
    """FranceConnect configured on the test provider (facade back to its defaults)."""
    oidc_provider.facade.reset()
    settings.GUICHET_FRANCECONNECT = provider_settings(oidc_provider.issuer)
    return oidc_provider


@pytest.fixture
def proconnect(oidc_provider, settings):
    oidc_provider.facade.reset()
    settings.GUICHET_PROCONNECT = provider_settings(oidc_provider.issuer)
    return oidc_provider


def closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def register_user(provider, sub: str, **claims) -> None:
    """The person the provider will vouch for when `sub` is chosen on its page."""
    response = requests.put(f"{provider.issuer}/users/{sub}", json=claims, timeout=5)
    assert response.status_code == 204


def consent_at_provider(authorize_url: str, sub: str) -> str:
    """What the provider's page does when `sub` signs in: the redirect back (path and query)."""
    response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text[:300]
    back = urlsplit(response.headers["Location"])
    return f"{back.path}?{back.query}"


def start(client, path: str = "/connexion/franceconnect/") -> str:
    """Press the button: the provider's authorization address our site redirects to."""
    response = client.post(path)
    assert response.status_code == 302, response.content[:300]
    return response["Location"]


FC_CLAIMS = {
    "given_name": "Angela Claire Louise",
    "family_name": "Dubois",
    "birthdate": "1962-08-24",
    "gender": "female",
    "birthplace": "75107",
    "birthcountry": "99100",
    "preferred_username": "",
    "email": "angela.dubois@exemple.fr",
}
