"""The OpenID Connect authorization code flow, on Authlib (ADR 0018), for every provider.

`begin` sends the browser to the provider with a fresh `state` and `nonce` kept in the
session; `finish` checks the state, trades the single-use code for tokens, verifies the ID
token against the provider's published keys (ES256 or RS256: whatever the discovery document
allows), reads the userinfo answer (a signed JWT, as FranceConnect v2 returns it, or JSON)
and returns the claims; `logout_url` builds the provider's end-session address. Every
failure becomes a SignInError carrying a French sentence: never a 500.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from base64 import urlsafe_b64decode
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.django_client import DjangoIntegration, DjangoOAuth2App
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken, UserInfo
from django.core.cache import cache
from joserfc import jwt
from joserfc.errors import BadSignatureError, ExpiredTokenError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from guichet.identity.base import Provider, ProviderConfig, SignInError

# A provider's answers must come quickly: a sign-in waits on them.
HTTP_TIMEOUT_SECONDS = 5
# The discovery document (and keys) are read again after this long.
METADATA_TTL_SECONDS = 3600
# At least the 22 characters FranceConnect asks for (32 random bytes: 43 characters).
NONCE_BYTES = 32
ALGORITHMS = ("ES256", "RS256")
KEY_TYPES = {"ES256": "EC", "RS256": "RSA"}

_clients: dict[tuple[str, str, str, str], DjangoOAuth2App] = {}
_clients_lock = threading.Lock()


@dataclass(frozen=True)
class SignedIn:
    """What a provider proved: the claims of the ID token merged with the userinfo answer,
    and the raw ID token (kept for the logout's `id_token_hint`)."""

    claims: dict[str, Any]
    id_token: str

    @property
    def subject(self) -> str:
        return str(self.claims.get("sub") or "")


def begin(http_request, provider: Provider, *, redirect_uri: str) -> str:
    """The provider's authorization address for this browser (state and nonce in its session)."""
    client = _client(provider)
    params: dict[str, Any] = {
        "nonce": secrets.token_urlsafe(NONCE_BYTES),
        "state": secrets.token_urlsafe(NONCE_BYTES),
    }
    if provider.acr_values:
        params["acr_values"] = provider.acr_values
    if provider.prompt:
        params["prompt"] = provider.prompt
    params.update(provider.extra_authorize_params)
    try:
        found = client.create_authorization_url(redirect_uri, **params)
    except (requests.RequestException, ValueError, KeyError, RuntimeError) as error:
        raise _unreachable(provider, error) from None
    client.save_authorize_data(http_request, redirect_uri=redirect_uri, **found)
    return found["url"]


def finish(http_request, provider: Provider) -> SignedIn:
    """The claims the provider vouches for, from its redirect back to us; raises SignInError."""
    client = _client(provider)
    error = http_request.GET.get("error")
    if error:
        raise SignInError(_provider_refusal(provider, error), reason=f"provider error {error}")
    if not http_request.GET.get("code") or not http_request.GET.get("state"):
        raise SignInError(
            f"La réponse de {provider.label} est incomplète. Veuillez recommencer la connexion.",
            reason="missing code or state",
        )
    try:
        token = client.authorize_access_token(http_request, leeway=provider.leeway_seconds)
    except MismatchingStateError:
        raise SignInError(
            "Cette connexion a expiré ou a été ouverte dans un autre navigateur. "
            "Veuillez recommencer.",
            reason="state mismatch",
        ) from None
    except ExpiredTokenError:
        raise SignInError(
            f"La réponse de {provider.label} a expiré. Veuillez recommencer la connexion.",
            reason="expired ID token",
        ) from None
    except (JoseError, ValueError) as error:
        raise SignInError(
            f"La réponse de {provider.label} n'a pas pu être vérifiée. Veuillez recommencer.",
            reason=f"ID token refused: {error!r}",
        ) from None
    except OAuthError as error:
        raise SignInError(
            f"{provider.label} a refusé de confirmer cette connexion (le code a peut-être "
            "déjà servi ou expiré). Veuillez recommencer.",
            reason=f"token endpoint: {error!r}",
        ) from None
    except requests.RequestException as error:
        raise _unreachable(provider, error) from None
    except AuthlibBaseError as error:
        raise SignInError(
            f"La réponse de {provider.label} n'a pas pu être vérifiée. Veuillez recommencer.",
            reason=repr(error),
        ) from None
    id_claims = token.get("userinfo")
    if not id_claims or not token.get("id_token"):
        raise SignInError(
            f"{provider.label} n'a pas transmis de jeton d'identité. Veuillez recommencer.",
            reason="no ID token",
        )
    _use_nonce_once(provider, str(id_claims.get("nonce", "")))
    claims = dict(id_claims)
    claims.update(_userinfo(client, provider, token, subject=str(id_claims.get("sub", ""))))
    return SignedIn(claims=claims, id_token=token["id_token"])


def logout_url(
    http_request, provider: Provider, *, id_token: str, post_logout_redirect_uri: str
) -> str | None:
    """The provider's end-session address (None when it offers none or cannot be reached)."""
    client = _client(provider)
    try:
        metadata = client.load_server_metadata()
        if not metadata.get("end_session_endpoint"):
            return None
        found = client.create_logout_url(
            post_logout_redirect_uri=post_logout_redirect_uri,
            id_token_hint=id_token,
            state=secrets.token_urlsafe(NONCE_BYTES),
        )
    except (requests.RequestException, ValueError, KeyError, RuntimeError):
        return None
    client.framework.set_state_data(
        http_request.session, found["state"], {"post_logout_redirect_uri": post_logout_redirect_uri}
    )
    return found["url"]


def check_logout_return(http_request, provider: Provider) -> bool:
    """Whether the provider's return after logout carries a state this browser asked for."""
    client = _client(provider)
    try:
        client.validate_logout_response(http_request)
    except OAuthError:
        return False
    return True


# --- the client and its checks ---------------------------------------------------------------


def _client(provider: Provider) -> DjangoOAuth2App:
    config = provider.config()
    if config is None:
        raise SignInError(
            f"La connexion avec {provider.label} n'est pas proposée ici.", status=404,
            reason="provider not configured",
        )  # fmt: skip
    key = (provider.name, config.issuer, config.client_id, config.client_secret)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = _new_client(provider, config)
    loaded_at = client.server_metadata.get("_loaded_at")
    if loaded_at is not None and time.time() - loaded_at > METADATA_TTL_SECONDS:
        client.server_metadata = {}
    return client


class _KeptAlive(requests.adapters.HTTPAdapter):
    """One connection pool per process for the providers' endpoints: a sign-in's token and
    userinfo calls reuse kept-alive connections instead of opening two new ones. Authlib makes
    a session per call and closes it; closing a session leaves this pool open."""

    def close(self) -> None:
        pass


_ADAPTER = _KeptAlive(pool_maxsize=8)
# What requests derives from the environment (proxies, CA bundle) per origin, read once.
_ENVIRONMENT: dict[str, dict[str, Any]] = {}


class _Http(requests.Session):
    """A requests session on the shared pool, reading the environment once per origin:
    requests scans every environment variable for proxies on each call (`getproxies`), which
    cost more CPU than verifying the ID token's signature."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mount("https://", _ADAPTER)
        self.mount("http://", _ADAPTER)

    def merge_environment_settings(self, url, proxies, stream, verify, cert):  # type: ignore[no-untyped-def]
        if proxies or cert or verify not in (None, True):  # explicit settings: requests' merge
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        found = _ENVIRONMENT.get(origin)
        if found is None:
            found = super().merge_environment_settings(url, {}, None, verify, None)
            _ENVIRONMENT[origin] = found
        return {**found, "proxies": dict(found["proxies"]), "stream": stream}


class _OAuth2Http(_Http, OAuth2Session):
    """Authlib's requests session (token endpoint, discovery, keys) on `_Http`."""


_http = _Http()


class _Client(DjangoOAuth2App):
    """Authlib's Django client, verifying signatures with `verify_jws` (a key without `kid`)."""

    client_cls = _OAuth2Http

    def parse_id_token(self, token, nonce, claims_options=None, claims_cls=None, leeway=120):
        metadata = self.load_server_metadata()
        decoded = verify_jws(self, token["id_token"])
        claims = CodeIDToken(
            decoded.claims,
            decoded.header,
            {"iss": {"values": [metadata.get("issuer")]}},
            {
                "nonce": nonce,
                "client_id": self.client_id,
                "access_token": token.get("access_token"),
            },
        )
        claims.validate(leeway=leeway)
        return UserInfo(claims)


def verify_jws(client: DjangoOAuth2App, compact: str) -> Any:
    """The decoded JWT whose signature one of the provider's published keys verifies.

    The key is the one the header's `kid` names (the key set is read again once when the
    provider has rotated its keys); without a `kid`, each published key of the algorithm's
    type is tried. Raises JoseError (or ValueError for a malformed token)."""
    header = json.loads(urlsafe_b64decode(_padded(compact.split(".")[0])))
    algorithm = header.get("alg")
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm {algorithm!r} refused")
    registry = JWSRegistry(algorithms=[algorithm])
    kid = header.get("kid")
    for force in (False, True):
        keys = _imported(client.fetch_jwk_set(force=force))
        if kid:
            candidates = [key for key in keys if key.kid == kid]
        else:
            candidates = [key for key in keys if key.key_type == KEY_TYPES[algorithm]]
        if candidates:
            break
    else:
        raise InvalidKeyIdError(f"no published key for kid {kid!r}")
    last_error: Exception | None = None
    for key in candidates:
        try:
            return jwt.decode(compact, key, registry=registry)
        except BadSignatureError as error:
            last_error = error
    raise last_error or BadSignatureError()


def _imported(jwks: dict[str, Any]) -> list[Any]:
    """The keys of a published key set, parsed once per set read (the set is cached with the
    discovery document; parsing it on every sign-in cost more than the verification)."""
    cached = jwks.get("_guichet_keys")
    if cached is None:
        cached = jwks["_guichet_keys"] = KeySet.import_key_set({"keys": jwks.get("keys", [])}).keys
    return cached


def _padded(part: str) -> bytes:
    return (part + "=" * (-len(part) % 4)).encode()


def _new_client(provider: Provider, config: ProviderConfig) -> DjangoOAuth2App:
    return _Client(
        DjangoIntegration(provider.name),
        name=provider.name,
        client_id=config.client_id,
        client_secret=config.client_secret,
        server_metadata_url=config.discovery_url,
        client_kwargs={
            "scope": " ".join(provider.scopes),
            "token_endpoint_auth_method": "client_secret_post",
            "default_timeout": HTTP_TIMEOUT_SECONDS,
        },
    )


def _userinfo(
    client: DjangoOAuth2App, provider: Provider, token: dict[str, Any], *, subject: str
) -> dict[str, Any]:
    metadata = client.load_server_metadata()
    endpoint = metadata.get("userinfo_endpoint")
    if not endpoint:
        return {}
    try:
        # A plain bearer request: Authlib's session would try to refresh a token living 60 s.
        response = _http.get(
            endpoint,
            headers={"Authorization": f"Bearer {token['access_token']}"},
            timeout=HTTP_TIMEOUT_SECONDS,
        )
        response.raise_for_status()
    except requests.RequestException as error:
        raise _unreachable(provider, error) from None
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    try:
        if content_type == "application/jwt":
            decoded = verify_jws(client, response.text.strip())
            claims = dict(decoded.claims)
            if claims.get("iss") not in (None, metadata.get("issuer")):
                raise ValueError("userinfo from another issuer")
            audience = claims.get("aud")
            if audience is not None and client.client_id not in (
                audience if isinstance(audience, list) else [audience]
            ):
                raise ValueError("userinfo for another client")
        else:
            claims = response.json()
    except (JoseError, ValueError, TypeError) as error:
        raise SignInError(
            f"Les informations transmises par {provider.label} n'ont pas pu être vérifiées. "
            "Veuillez recommencer.",
            reason=f"userinfo refused: {error!r}",
        ) from None
    if not isinstance(claims, dict) or str(claims.get("sub", "")) != subject:
        raise SignInError(
            f"Les informations transmises par {provider.label} ne correspondent pas à "
            "la personne connectée. Veuillez recommencer.",
            reason="userinfo subject differs from the ID token's",
        )
    return claims


def _use_nonce_once(provider: Provider, nonce: str) -> None:
    """A nonce serves one sign-in: an ID token carrying one already used is a replay."""
    if len(nonce) < 22 or not cache.add(f"identity:nonce:{provider.name}:{nonce}", 1, 3600):
        raise SignInError(
            f"Cette réponse de {provider.label} a déjà servi. Veuillez recommencer.",
            reason="nonce replayed",
        )


def _provider_refusal(provider: Provider, error: str) -> str:
    if error == "access_denied":
        return f"La connexion avec {provider.label} a été annulée."
    return (
        f"{provider.label} n'a pas pu vous identifier (erreur « {error[:60]} »). "
        "Veuillez recommencer."
    )


def _unreachable(provider: Provider, error: Exception) -> SignInError:
    return SignInError(
        f"{provider.label} ne répond pas pour le moment. Veuillez réessayer dans quelques "
        "minutes, ou utiliser un autre moyen de connexion.",
        status=502,
        reason=f"provider unreachable: {error!r}",
    )
