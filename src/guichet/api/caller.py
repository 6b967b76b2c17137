"""Who calls the API, and the django-ninja authentication that finds them.

An API key acts as an agent of its one authority: a read key as front-desk agent, a write
key as case handler. A signed-in agent (the back-office front end) keeps their own roles,
and every unsafe call of theirs must carry Django's CSRF token.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware
from ninja.security import APIKeyCookie, APIKeyHeader, HttpBearer

from guichet.api import keys, security
from guichet.api.models import ApiKey, Scope
from guichet.authorities import access as authority_access
from guichet.authorities.models import Role
from guichet.core import ratelimit
from guichet.core.journal import Actor

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass(frozen=True)
class Caller:
    """An API key or a signed-in agent, with the authorities it may read and act for."""

    actor: Actor
    authority_ids: frozenset[int]
    api_key: ApiKey | None = None
    user: Any = None
    scopes: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def for_key(cls, api_key: ApiKey) -> Caller:
        return cls(
            actor=Actor.application(api_key.application),
            authority_ids=frozenset({api_key.authority_id}),
            api_key=api_key,
            scopes=frozenset(api_key.scopes),
        )

    @classmethod
    def for_agent(cls, user) -> Caller:
        return cls(
            actor=Actor.agent(user),
            authority_ids=frozenset(authority_access.authority_ids_for(user)),
            user=user,
            scopes=frozenset(Scope.values),
        )

    def role_in(self, authority_id: int) -> str | None:
        """The agent role the caller holds for `authority_id`, or None."""
        if self.api_key is None:
            return authority_access.role_in(self.user, authority_id)
        if authority_id != self.api_key.authority_id:
            return None
        return Role.CASE_HANDLER if Scope.WRITE in self.scopes else Role.FRONT_DESK

    def can(self, authority_id: int, permission: str) -> bool:
        role = self.role_in(authority_id)
        return role is not None and authority_access.role_permits(role, permission)

    @property
    def default_authority_id(self) -> int | None:
        if self.api_key is not None:
            return self.api_key.authority_id
        return min(self.authority_ids) if len(self.authority_ids) == 1 else None


def _for_key(http_request: HttpRequest, raw: str | None) -> Caller | None:
    security.refuse_nul(http_request)
    api_key = keys.authenticate(raw)
    if api_key is None:
        return None
    security.check_rate(api_key)
    security.require_scope(
        api_key, Scope.READ if http_request.method in SAFE_METHODS else Scope.WRITE
    )
    return Caller.for_key(api_key)


class BearerKey(HttpBearer):
    """`Authorization: Bearer <prefix>.<secret>`."""

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        return _for_key(request, token)


class HeaderKey(APIKeyHeader):
    """`X-API-Key: <prefix>.<secret>`."""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        return _for_key(request, key)


class AgentSession(APIKeyCookie):
    """Django's session cookie of a signed-in agent; CSRF token required on unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        # CSRF is checked in `authenticate`, only once a session user is found, so a call with
        # no credentials at all gets a 401, not a CSRF refusal.
        super().__init__(csrf=False)

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        security.refuse_nul(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if request.method not in SAFE_METHODS and _csrf_refused(request):
            raise security.Forbidden(
                "Jeton CSRF absent ou invalide : rechargez la page et réessayez.",
                code="csrf_invalide",
            )
        caller = Caller.for_agent(user)
        if not caller.authority_ids:
            raise security.Forbidden("L'API est réservée aux agents des collectivités.")
        limit = security.rate_limit()
        verdict = ratelimit.hit(
            "api-agent", f"user:{user.pk}", limit=limit, window=security.RATE_WINDOW_SECONDS
        )
        if not verdict.allowed:
            raise security.RateLimited(
                f"Trop de requêtes : réessayez dans {max(verdict.retry_after, 1)} s.",
                headers={"Retry-After": str(max(verdict.retry_after, 1))},
            )
        return caller


def _csrf_refused(request: HttpRequest) -> bool:
    middleware = CsrfViewMiddleware(lambda _request: None)
    request.csrf_processing_done = False  # type: ignore[attr-defined]
    middleware.process_request(request)
    return middleware.process_view(request, _no_view, (), {}) is not None


def _no_view(request: HttpRequest) -> None:  # pragma: no cover - never called
    return None


AUTH = [BearerKey(), HeaderKey(), AgentSession()]
