"""The API world, built once per test module in a transaction rolled back at its end.

Tests that need committed data across threads (`transaction=True`) build their own with
`build_world()` and live in a module that never uses `world`.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from support import built_for_the_module, refreshed

from .factories import build_world


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, build_world) as world:
        yield world


@pytest.fixture
def world(_module_world, db) -> SimpleNamespace:
    return refreshed(_module_world)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
