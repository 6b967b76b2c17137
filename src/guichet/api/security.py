"""Shared by every API (native and Open311): key look-up, rate limits and error answers."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig

from guichet.api import keys
from guichet.api.models import ApiKey
from guichet.core import ratelimit
from guichet.core.middleware import human_size

# Requests per minute per key; settings.GUICHET_API_RATE_LIMIT overrides it.
DEFAULT_RATE_LIMIT = 600
RATE_WINDOW_SECONDS = 60


class ApiError(Exception):
    """An error answered as JSON: {"detail": message, "code": code, "errors": [...]}."""

    status = 400
    code = "requete_invalide"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        errors: list[dict] | None = None,
        headers: dict[str, str] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.errors = errors or []
        self.headers = headers or {}
        if status is not None:
            self.status = status

    def body(self) -> dict:
        return {"detail": self.message, "code": self.code, "errors": self.errors}


class Unauthenticated(ApiError):
    status = 401
    code = "non_authentifie"


class Forbidden(ApiError):
    status = 403
    code = "interdit"


class NotFound(ApiError):
    status = 404
    code = "introuvable"


class Conflict(ApiError):
    status = 409
    code = "conflit"


class Unprocessable(ApiError):
    status = 422
    code = "donnees_invalides"


class PayloadTooLarge(ApiError):
    status = 413
    code = "corps_trop_volumineux"

    @classmethod
    def for_limit(cls, limit: int) -> PayloadTooLarge:
        return cls(
            f"La requête est trop volumineuse : {human_size(limit)} au plus.",
            errors=[{"field": "body", "code": cls.code, "message": "Corps trop volumineux."}],
        )


class RateLimited(ApiError):
    status = 429
    code = "trop_de_requetes"


def raw_key_from(http_request) -> str | None:
    """The key text sent as `Authorization: Bearer <key>` or `X-API-Key: <key>`, if any."""
    header = http_request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return http_request.headers.get("X-API-Key", "").strip() or None


def api_key_from(http_request) -> ApiKey | None:
    """The active key the request carries, or None (missing, unknown or revoked)."""
    return keys.authenticate(raw_key_from(http_request))


def refuse_nul(http_request) -> None:
    """Refuse the NUL character anywhere in the input: PostgreSQL cannot store it in text.

    The path, the query string and form fields are checked once for every view by
    guichet.core.middleware; this adds the JSON escape `\\u0000` in a body. A body over the
    limit is refused with 413, never read.
    """
    query = http_request.META.get("QUERY_STRING", "")
    texts: list[str] = [http_request.path, query]
    body = b""
    try:
        if http_request.content_type == "multipart/form-data":
            # Parsed as a stream (files on disk): its fields are read, never the raw body.
            texts += [v for _, values in http_request.POST.lists() for v in values]
            texts += [f.name or "" for _, files in http_request.FILES.lists() for f in files]
        elif http_request.method not in ("GET", "HEAD"):
            body = http_request.body
    except RequestDataTooBig:
        raise PayloadTooLarge.for_limit(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) from None
    if any("\x00" in text for text in texts) or "%00" in query or b"\\u0000" in body:
        raise ApiError(
            "Le caractère nul (U+0000) n'est accepté dans aucun champ.",
            code="caractere_interdit",
            errors=[{"field": "__all__", "code": "caractere_nul", "message": "Caractère nul."}],
        )


def rate_limit(api_key: ApiKey | None = None) -> int:
    """Calls a minute allowed to `api_key`: its own limit when it has one, else the common one."""
    if api_key is not None and api_key.rate_limit is not None:
        return api_key.rate_limit
    return int(getattr(settings, "GUICHET_API_RATE_LIMIT", DEFAULT_RATE_LIMIT))


def check_rate(api_key: ApiKey) -> None:
    """Count one call of `api_key`; raise RateLimited (429, Retry-After) past the limit."""
    verdict = ratelimit.hit(
        "api", f"key:{api_key.prefix}", limit=rate_limit(api_key), window=RATE_WINDOW_SECONDS
    )
    if not verdict.allowed:
        retry_after = max(verdict.retry_after, 1)
        raise RateLimited(
            f"Trop de requêtes pour cette clé : réessayez dans {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
        )


def require_scope(api_key: ApiKey, scope: str) -> None:
    """Raise Forbidden (403) when `api_key` lacks `scope`."""
    if not api_key.allows(scope):
        label = {"read": "lecture", "write": "écriture"}.get(scope, scope)
        raise Forbidden(f"Cette clé n'a pas le droit « {label} ».", code="droit_manquant")


def error_response(error: ApiError):
    """A Django JsonResponse for `error` (for views outside the NinjaAPI, e.g. Open311)."""
    from django.http import JsonResponse

    response = JsonResponse(error.body(), status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response
