"""A per-process cache of reference data: what nearly every request reads and administrators
change a few times a year (services, communes, the competence map, routing rules, message
templates). ADR 0010.

    service = refcache.get(("service", slug), lambda: Service.objects.get(slug=slug))

Entries live in this process's memory and are shared by its requests: treat them as
read-only. They are kept in a bounded LRU (`MAX_ENTRIES`), and a miss (`load()` answering
None: a slug or a code that names nothing) is not kept unless the caller says the absence is
itself reference data (`keep_missing`): keys often come from URLs, and a crawler must cost
queries, not memory. Any change to a watched model (saved, deleted, its many-to-many links edited) or a
bulk write that calls `changed()` drops every entry: in this process at once, in the others
(web workers, task workers) within `REFRESH_SECONDS`, through a token kept in the shared cache
(Redis when configured). A token missing from the shared cache (evicted, Redis restarted, the
file cache cleared) counts as a change: the change it announced may have been lost with it.
A transaction that changed reference data stores nothing until it
ends, so a rolled-back change never stays cached.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

from cachetools import LRUCache
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)

REFRESH_SECONDS = 1.0
# Services, communes, authorities, and who handles each service in each commune actually asked:
# a département's steady state is a few thousand entries.
MAX_ENTRIES = 20_000
TOKEN_KEY = "guichet:refcache:token"  # noqa: S105 - a cache key
_MISSING = object()
T = TypeVar("T")


class _State:
    def __init__(self) -> None:
        self.entries: LRUCache[Hashable, Any] = LRUCache(MAX_ENTRIES)
        self.token: str | None = None
        self.checked_at = float("-inf")
        self.lock = threading.Lock()


_state = _State()


def get(
    key: Hashable,
    load: Callable[[], T],
    *,
    max_age: float | None = None,
    keep_missing: bool = False,
) -> T:
    """The cached value of `key`, or `load()`'s (kept for the next callers unless it is None).

    `max_age` (seconds) bounds how long a figure that moves without any reference-data change
    (a delay estimate) is kept. `keep_missing` keeps a None too: only for keys that come from
    the database, never from a request (an authority without a template of its own).
    """
    entries = _fresh_entries()
    with _state.lock:  # an LRU reorders itself on every read
        try:
            found = entries[key]
        except KeyError:
            found = _MISSING
    now = time.monotonic()
    if found is not _MISSING and (found[1] is None or found[1] > now):
        return cast(T, found[0])  # what `load` gave for this key
    value = load()
    if (value is not None or keep_missing) and _may_store():
        with _state.lock:
            entries[key] = (value, None if max_age is None else now + max_age)
    return value


def size() -> int:
    """How many entries this process holds (at most `MAX_ENTRIES`)."""
    return int(_state.entries.currsize)


def changed() -> None:
    """Reference data changed: forget every entry here and tell the other processes.

    Called again once the surrounding transaction commits, so a process that re-read the old
    rows between this call and the commit drops them too.
    """
    _forget_everywhere()
    if connection.in_atomic_block:
        connection.refcache_dirty = True  # type: ignore[attr-defined]
        transaction.on_commit(_forget_everywhere)


def clear() -> None:
    """Forget every entry of this process (tests start each case from an empty cache)."""
    with _state.lock:
        _state.entries = LRUCache(MAX_ENTRIES)
        _state.checked_at = float("-inf")
    connection.refcache_dirty = False  # type: ignore[attr-defined]


def watch(*models: type[Model]) -> None:
    """Call `changed()` whenever a row of one of `models` is saved or deleted, or its
    many-to-many links change. Apps watch their own reference models in `ready()`."""
    for model in models:
        post_save.connect(_on_model_change, sender=model, dispatch_uid=f"refcache-{model}-save")
        post_delete.connect(_on_model_change, sender=model, dispatch_uid=f"refcache-{model}-del")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                _on_model_change,
                sender=field.remote_field.through,
                dispatch_uid=f"refcache-{model}-{field.name}",
            )


def _on_model_change(**_: Any) -> None:
    changed()


def _forget_everywhere() -> None:
    token = uuid.uuid4().hex
    with _state.lock:
        _state.entries = LRUCache(MAX_ENTRIES)
        _state.token = token
        _state.checked_at = time.monotonic()
    try:
        cache.set(TOKEN_KEY, token, timeout=None)
    except Exception:  # the shared cache is down: other processes refresh when it is back
        logger.exception("could not publish the reference-data token")


def _fresh_entries() -> LRUCache[Hashable, Any]:
    now = time.monotonic()
    if now - _state.checked_at < REFRESH_SECONDS:
        return _state.entries
    try:
        token = _shared_token()
    except Exception:  # without the shared token, nothing can be trusted for long
        logger.exception("could not read the reference-data token")
        token = uuid.uuid4().hex
    with _state.lock:
        if token != _state.token:
            _state.entries = LRUCache(MAX_ENTRIES)
            _state.token = token
        _state.checked_at = now
        return _state.entries


def _shared_token() -> str:
    """The token in the shared cache. A missing one is replaced by a new one, which every
    process (this one included) then takes for a change: the token a change published may be
    what was lost."""
    token: str | None = cache.get(TOKEN_KEY)
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(TOKEN_KEY, token, timeout=None):  # another process put one first
            token = cache.get(TOKEN_KEY) or token
    return token


def _may_store() -> bool:
    if not getattr(connection, "refcache_dirty", False):
        return True
    if connection.in_atomic_block:
        return False  # this transaction changed reference data: read it fresh until it ends
    connection.refcache_dirty = False  # type: ignore[attr-defined]
    with _state.lock:
        _state.entries.clear()  # in place: the caller stores into the entries it holds
    return True
