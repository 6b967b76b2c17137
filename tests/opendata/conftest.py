"""The demo world (small), with a few months of history, built once per module and published.

`demo_world` publishes every data set into a temporary GUICHET_OPENDATA_DIR and yields it;
the tests read the files, the rows and the events it left."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from support import built_for_the_module

UNTIL = datetime(2026, 6, 15, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))


def build_demo(requests: int = 600) -> None:
    from guichet.demo.history import build_history
    from guichet.demo.world import build_world

    build_world(population=150, seed=5)
    build_history(months=3, requests=requests, seed=11, until=UNTIL)


@pytest.fixture(scope="module")
def opendata_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("opendata")
    with override_settings(
        GUICHET_OPENDATA_DIR=folder / "published",
        DATA_DIR=folder,
        MEDIA_ROOT=folder / "media",
        GUICHET_OPENDATA_K=5,
    ):
        yield folder / "published"


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker, opendata_dir):
    """The demo world with history, every data set published once (`build_opendata`)."""

    def build():
        from guichet.demo.opendata import build_opendata

        build_demo()
        return build_opendata()

    with built_for_the_module(django_db_blocker, build) as report:
        yield report
