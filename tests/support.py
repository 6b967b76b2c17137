"""Helpers shared by test folders (importable as `support`: pytest puts tests/ on the path)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction


@contextmanager
def built_for_the_module(django_db_blocker, build: Callable[[], Any]) -> Iterator[Any]:
    """Build data once in a transaction left open for the module, rolled back at its end.

    Each test then runs in a savepoint inside it (pytest-django's `db`), so a module pays for
    its world once instead of once per test.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def refreshed(world: Any) -> Any:
    """The module's world with every model instance re-read (a test may have changed them)."""
    for obj in vars(world).values():
        if hasattr(obj, "refresh_from_db"):
            obj.refresh_from_db()
    return world
