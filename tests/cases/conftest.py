"""The demo territory with a few authorities, agents and persons, built once per module.

The shipped territory and catalogue take seconds to import, so `world` builds them once per
test module inside an outer transaction that is rolled back when the module ends; each test
runs in a savepoint of it (pytest-django's `db`). Tests that need committed data across
threads (`transaction=True`) build their own with `build_world()` and must live in a module
that never uses `world`.
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
    """Sceaux, its EPT and département; Tours, its metropolis and département; Gien; agents."""
    return refreshed(_module_world)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
