"""The demo trains its main authorities' models and files a few free-text requests, so the
suggestions and the automatic routing show at once (ADR 0028)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from support import built_for_the_module

from guichet.cases.models import Request
from guichet.demo.history import build_history
from guichet.demo.triage import EXAMPLES, build_triage
from guichet.demo.world import build_world
from guichet.triage.models import Suggestion, TriageModel

UNTIL = datetime(2026, 6, 15, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    def build():
        build_world(population=120, seed=3)
        build_history(months=2, requests=400, seed=7, until=UNTIL)

    folder = tmp_path_factory.mktemp("demo")
    with (
        override_settings(MEDIA_ROOT=folder / "media", DATA_DIR=folder),
        built_for_the_module(django_db_blocker, build),
    ):
        yield


def test_the_demo_trains_its_main_authorities_and_shows_suggestions(
    demo, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = build_triage()
    assert "Ville de Sceaux" in report.trained
    assert TriageModel.objects.filter(authority__slug="sceaux", is_active=True).exists()
    assert len(report.filed) == len(EXAMPLES)
    filed = Request.objects.filter(reference__in=report.filed)
    assert {r.channel for r in filed} == {"sms", "web", "phone"}
    assert Suggestion.objects.filter(request__in=filed).count() == len(EXAMPLES)
    # run again (a second `guichet demo`): nothing trained or filed twice
    again = build_triage()
    assert again.trained == [] and again.filed == []
