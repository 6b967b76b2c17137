"""The contract of a sign-in provider (OpenID Connect) and the error every flow ends in.

A provider only proves who signs in: what that proof changes on the citizen record is decided
by `people.actions` (residents) or by matching an existing agent account (agents).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from django.conf import settings


class SignInError(Exception):
    """A sign-in that cannot go on, with the French sentence the person reads and the HTTP
    status of the page (400 for what the browser brought, 502 when the provider fails us)."""

    def __init__(self, message: str, *, status: int = 400, reason: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.reason = reason or message


@dataclass(frozen=True)
class ProviderConfig:
    """What the environment says about a provider (GUICHET_<NAME>_ISSUER, _CLIENT_ID, …)."""

    issuer: str
    client_id: str
    client_secret: str

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


@dataclass(frozen=True)
class Provider:
    """One OpenID Connect provider: who it signs in, what it asks for, how it is configured."""

    name: str  # the URL segment and the identity's `provider`: "franceconnect"
    label: str  # "FranceConnect"
    audience: Literal["resident", "agent"]
    setting: str  # the settings dictionary read by `config()`
    scopes: tuple[str, ...]
    acr_values: str = ""
    # Every sign-in shows the provider's page (no silent sign-in on a provider's session).
    prompt: str = "login"
    # ID and access tokens live this long at the provider; our leeway on their dates.
    leeway_seconds: int = 30
    extra_authorize_params: dict[str, str] = field(default_factory=dict)

    def config(self) -> ProviderConfig | None:
        """The provider's configuration, or None when it is not fully set (no button then)."""
        values = getattr(settings, self.setting, None) or {}
        issuer = (values.get("issuer") or "").strip()
        client_id = (values.get("client_id") or "").strip()
        client_secret = values.get("client_secret") or ""
        if not (issuer and client_id and client_secret):
            return None
        return ProviderConfig(issuer=issuer, client_id=client_id, client_secret=client_secret)

    @property
    def enabled(self) -> bool:
        return self.config() is not None
