"""Helpers shared by test folders (importable as `support`: pytest puts tests/ on the path)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import OperationalError, connection, transaction


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


def waiting_like_a_file_database(attempt: Callable[[], Any]) -> Any:
    """Retry while SQLite says "table is locked", as its busy timeout does on a real file.

    The test database is SQLite's shared in-memory one, which refuses a second writer at once
    (SQLITE_LOCKED) where the file database of a real deployment (WAL, BEGIN IMMEDIATE,
    20 s timeout) makes it wait for the first one's commit. PostgreSQL waits on its own locks.
    """
    for _ in range(400):
        try:
            return attempt()
        except OperationalError as error:
            if connection.vendor != "sqlite" or "locked" not in str(error):
                raise
            time.sleep(0.01)
    raise AssertionError("still locked after 4 s")


def race(*attempts: Callable[[], Any], timeout: float = 60) -> list[Any]:
    """Run the attempts in threads released together (each with its own database
    connection); return what each returned or raised."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list[object] = [None] * len(attempts)

    def run(index: int, attempt: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = waiting_like_a_file_database(attempt)
        except Exception as error:  # noqa: BLE001 - the outcome is what we check
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes
