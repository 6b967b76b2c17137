"""Sceaux's three authorities on the shipped territory and catalogue, built once per module.

The territory takes seconds to import, so it is built inside an outer transaction left open
for the module and rolled back at its end; each test runs in a savepoint of it.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import transaction

from .factories import build_world


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_world()
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


@pytest.fixture
def world(_module_world, db) -> SimpleNamespace:
    for obj in vars(_module_world).values():
        if hasattr(obj, "refresh_from_db"):
            obj.refresh_from_db()
    return _module_world


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run journal listeners as a real commit would (tests run inside a transaction)."""

    def run(callable_, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return callable_(*args, **kwargs)

    return run
