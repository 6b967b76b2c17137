"""The demo territory with a few authorities, agents and persons, built once per module.

The shipped territory and catalogue take seconds to import, so `world` builds them once per
test module inside an outer transaction that is rolled back when the module ends; each test
runs in a savepoint of it (pytest-django's `db`). Tests that need committed data across
threads (`transaction=True`) build their own with `build_world()` and must live in a module
that never uses `world`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction

from .factories import build_world


@contextmanager
def built_for_the_module(django_db_blocker, build: Callable[[], Any]) -> Iterator[Any]:
    """Build data in a transaction left open for the module, rolled back at its end."""
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


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, build_world) as world:
        yield world


@pytest.fixture
def world(_module_world, db) -> SimpleNamespace:
    """Sceaux, its EPT and département; Tours, its metropolis and département; Gien; agents."""
    for obj in vars(_module_world).values():
        if hasattr(obj, "refresh_from_db"):
            obj.refresh_from_db()
    return _module_world


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
