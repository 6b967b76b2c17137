"""Browser sessions in the shared cache (Redis), a new one written in one round trip."""

from __future__ import annotations

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError
from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore
from django.utils.crypto import get_random_string

# Keys drawn before giving up on a cache that refuses every add (it is down).
MAX_DRAWS = 100


class SessionStore(CacheSessionStore):
    """Django's cache sessions ask whether a freshly drawn key is taken (EXISTS) before
    adding it (SET NX). The add alone refuses a taken key, and `create` then draws again,
    so the question is a second round trip on every new session (every anonymous filing).

    A sign-in changes the session's key (`cycle_key`): Django writes the session under the new
    key at once, then the response writes it again after asking whether it still exists (GET,
    then SET). Here the new key is only drawn then; the response's save adds the session
    under it (SET NX, drawing again if taken): one write instead of two, and no GET."""

    _pending_add = False

    def _get_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)

    def cycle_key(self) -> None:
        data = self._get_session()  # type: ignore[attr-defined]  # (Django's, untyped in the stubs)
        old = self.session_key
        self._session_key = self._get_new_session_key()
        self._session_cache = data
        self._pending_add = True
        self.modified = True
        if old:
            self.delete(old)

    def save(self, must_create: bool = False) -> None:
        if not self._pending_add or must_create:
            super().save(must_create)
            return
        for _ in range(MAX_DRAWS):
            try:
                super().save(must_create=True)
            except CreateError:
                self._session_key = self._get_new_session_key()
                continue
            self._pending_add = False
            return
        raise RuntimeError("Unable to create a new session key: is the cache available?")
