"""Browser sessions in the shared cache (Redis), a new one written in one round trip."""

from __future__ import annotations

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore
from django.utils.crypto import get_random_string


class SessionStore(CacheSessionStore):
    """Django's cache sessions ask whether a freshly drawn key is taken (EXISTS) before
    adding it (SET NX). The add alone refuses a taken key, and `create` then draws again,
    so the question is a second round trip on every new session (every anonymous filing)."""

    def _get_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)
