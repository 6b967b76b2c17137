"""The API world, built once per test module in a transaction rolled back at its end.

Tests that need committed data across threads (`transaction=True`) build their own with
`build_world()` and live in a module that never uses `world`.
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


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
