"""Fixed-window rate limits on the shared cache (tracking look-ups, sign-in links, API keys)."""

from __future__ import annotations

import hashlib
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window resets (0 when allowed)


def now_seconds() -> float:
    """The clock the windows are cut from (tests hold it within one window)."""
    return time.time()


def hit(scope: str, identity: str, *, limit: int, window: int) -> Verdict:
    """Count one attempt of `identity` (an IP, a key…) in `scope`; refuse past `limit` per `window` s."""
    limit *= settings.GUICHET_RATE_LIMIT_SCALE
    now = int(now_seconds())
    window_start = now - now % window
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    count = _count(f"ratelimit:{scope}:{digest}:{window_start}", timeout=window + 1)
    if count > limit:
        return Verdict(allowed=False, retry_after=window_start + window - now)
    return Verdict(allowed=True, retry_after=0)


def _count(key: str, *, timeout: int) -> int:
    counter = getattr(cache, "count", None)  # guichet.core.cache.RedisCache: one round trip
    if counter is not None:
        return int(counter(key, timeout))
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def client_address(http_request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind `GUICHET_TRUSTED_PROXIES` reverse proxies
    the address the outermost trusted proxy saw, read from the right of X-Forwarded-For.

    Each trusted proxy appends the address it received the request from, so with N proxies the
    client is the Nth entry from the right; entries further left were written by the client
    and are never believed. A header shorter than that (a request that bypassed the proxies)
    falls back to its leftmost entry, then to REMOTE_ADDR.
    """
    remote = http_request.META.get("REMOTE_ADDR", "") or "unknown"
    trusted = settings.GUICHET_TRUSTED_PROXIES
    if trusted <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in http_request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if not forwarded:
        return remote
    candidate = forwarded[-min(trusted, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # not an address: never a rate-limit key of the client's choosing
        return remote


# The name the portal and the Open311 views import.
client_ip = client_address
