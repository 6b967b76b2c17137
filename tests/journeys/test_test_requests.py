"""A designer's test request (ADR 0027) never reaches the journeys, their figures or the
dashboards built on them: its events are not exported to the analytics copy."""

from __future__ import annotations

import pytest

from guichet.cases import actions
from guichet.catalogue import versions
from guichet.catalogue.models import Service
from guichet.core.journal import Actor
from guichet.journeys import store

from .test_journal_end_to_end import QUESTION, file_question

pytestmark = pytest.mark.django_db


def test_test_requests_are_left_out_of_the_journal_log(world):
    # given a real question and a test one filed on a draft of the same service
    real = file_question(world)
    service = Service.objects.get(slug="question-generale")
    designer = Actor.agent(world.agent)
    draft = versions.start_draft(service=service, by=designer)
    trial = actions.file_test_request(
        draft=draft, by=designer, person=world.alice, form_data=dict(QUESTION),
        commune=world.sceaux_commune,
    )  # fmt: skip
    actions.change_status(request=trial, to="in_progress", actor=designer, role="manager")
    # when the analytics copy is refreshed and read
    log = store.journal_log()
    # then only the real request is a case, with its events; nothing of the test one
    case_ids = set(log.events["case_id"].cast(str).to_list())
    assert case_ids == {str(real.pk)}
    assert set(log.cases["case_id"].cast(str).to_list()) == {str(real.pk)}
