"""Sceaux's three authorities on the shipped territory and catalogue, built once per module.

The territory takes seconds to import, so it is built inside an outer transaction left open
for the module and rolled back at its end; each test runs in a savepoint of it.
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


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run journal listeners as a real commit would (tests run inside a transaction)."""

    def run(callable_, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return callable_(*args, **kwargs)

    return run
