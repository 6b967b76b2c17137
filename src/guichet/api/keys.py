"""Issuing, checking and revoking API keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.db import transaction

from guichet.api.models import ApiKey, Scope
from guichet.core import clock, journal
from guichet.core.journal import Actor

MAX_RATE_LIMIT = 100_000  # calls a minute


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def issue_key(
    *,
    actor: Actor,
    authority,
    application: str,
    scopes: list[str],
    rate_limit: int | None = None,
) -> tuple[ApiKey, str]:
    """Create a key; return it with the full key text, which is shown once and never stored.

    `rate_limit` (calls a minute) replaces the common limit for this key, e.g. for an import.
    Raises ValueError (French message) for unknown scopes, an empty name or a bad limit.
    """
    unknown = set(scopes) - set(Scope.values)
    if not scopes or unknown:
        raise ValueError(f"Droits invalides : {', '.join(sorted(unknown)) or 'aucun'}.")
    if not application.strip() or len(application.strip()) > 120:
        raise ValueError("Nommez l'application (120 caractères au plus).")
    _check_limit(rate_limit)
    prefix, secret = secrets.token_hex(4), secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(
        authority=authority, application=application.strip(), prefix=prefix,
        secret_hash=_digest(secret), scopes=sorted(set(scopes)), rate_limit=rate_limit,
    )  # fmt: skip
    journal.append(
        kind="api.key_issued", actor=actor, authority_id=authority.pk, subject=api_key,
        payload={
            "application": api_key.application, "scopes": api_key.scopes, "prefix": prefix,
            "rate_limit": rate_limit,
        },
    )  # fmt: skip
    return api_key, f"{prefix}.{secret}"


@transaction.atomic
def set_rate_limit(*, actor: Actor, api_key: ApiKey, rate_limit: int | None) -> ApiKey:
    """Give `api_key` its own limit (calls a minute), or the common one again with None."""
    _check_limit(rate_limit)
    api_key = ApiKey.objects.select_for_update().select_related("authority").get(pk=api_key.pk)
    if api_key.rate_limit != rate_limit:
        previous = api_key.rate_limit
        api_key.rate_limit = rate_limit
        api_key.save(update_fields=["rate_limit"])
        journal.append(
            kind="api.key_rate_limit_changed", actor=actor, authority_id=api_key.authority_id,
            subject=api_key, payload={"prefix": api_key.prefix, "from": previous, "to": rate_limit},
        )  # fmt: skip
    return api_key


def _check_limit(rate_limit: int | None) -> None:
    if rate_limit is not None and not 1 <= rate_limit <= MAX_RATE_LIMIT:
        raise ValueError(f"La limite doit être comprise entre 1 et {MAX_RATE_LIMIT} par minute.")


def find_key(prefix: str) -> ApiKey | None:
    """The key with this prefix (what `list` shows and what follows `<prefix>.`), or None."""
    prefix = prefix.strip().partition(".")[0]
    return ApiKey.objects.select_related("authority").filter(prefix=prefix).first()


def authenticate(raw: str | None) -> ApiKey | None:
    """The active key matching `raw` ("<prefix>.<secret>"), or None. Records its last use."""
    if not raw or "." not in raw:
        return None
    prefix, _, secret = raw.strip().partition(".")
    api_key = ApiKey.objects.select_related("authority").filter(prefix=prefix).first()
    if api_key is None or not api_key.is_active:
        return None
    if not hmac.compare_digest(api_key.secret_hash, _digest(secret)):
        return None
    now = clock.now()
    # One write a minute at most: last use is a hint for administrators, not an audit trail.
    if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key


@transaction.atomic
def revoke_key(*, actor: Actor, api_key: ApiKey) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = clock.now()
        api_key.save(update_fields=["revoked_at"])
        journal.append(
            kind="api.key_revoked", actor=actor, authority_id=api_key.authority_id,
            subject=api_key, payload={"prefix": api_key.prefix},
        )  # fmt: skip
    return api_key
