"""Fixed-window rate limits on the shared cache (tracking look-ups, sign-in links, API keys)."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window resets (0 when allowed)


def hit(scope: str, identity: str, *, limit: int, window: int) -> Verdict:
    """Count one attempt of `identity` (an IP, a key…) in `scope`; refuse past `limit` per `window` s."""
    limit *= settings.GUICHET_RATE_LIMIT_SCALE
    now = int(time.time())
    window_start = now - now % window
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    count = _count(f"ratelimit:{scope}:{digest}:{window_start}", timeout=window + 1)
    if count > limit:
        return Verdict(allowed=False, retry_after=window_start + window - now)
    return Verdict(allowed=True, retry_after=0)


def _count(key: str, *, timeout: int) -> int:
    counter = getattr(cache, "count", None)  # guichet.core.cache.RedisCache: one round trip
    if counter is not None:
        return counter(key, timeout)
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def client_ip(http_request) -> str:
    return http_request.META.get("REMOTE_ADDR", "") or "unknown"
