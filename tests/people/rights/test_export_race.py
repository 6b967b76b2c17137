"""An export asked for several times at the same moment (double click, two tabs, the person
and an agent) is one export, built once: each call in its own connection and transaction."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult
from support import race

from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.people import actions as people
from guichet.people.rights import actions
from guichet.people.rights.models import DataExport
from guichet.people.rights.tasks import build_export, run_export

pytestmark = pytest.mark.django_db(transaction=True)


def test_four_simultaneous_requests_make_one_export_one_event_one_task(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # given a person
    chloe = people.create_person(actor=Actor.system("tests"), first_name="Chloé", last_name="Petit")
    # when four requests for her data arrive together
    outcomes = race(*[lambda: actions.request_export(person=chloe) for _ in range(4)])
    # then each got an export, the same one, created by exactly one of them
    assert all(isinstance(outcome, tuple) for outcome in outcomes), outcomes
    assert len({export.pk for export, _ in outcomes}) == 1
    assert sorted(created for _, created in outcomes) == [False, False, False, True]
    assert DataExport.objects.filter(person=chloe).count() == 1
    assert Event.objects.filter(kind="person.export_requested").count() == 1
    # and one build task was queued for it
    [queued] = DBTaskResult.objects.filter(task_path=build_export.module_path)
    # when two workers run it at the same moment, it is built once
    export_pk = outcomes[0][0].pk
    assert sorted(race(lambda: run_export(export_pk), lambda: run_export(export_pk))) == [
        "déjà traité",
        "prête",
    ]
    assert Event.objects.filter(kind="person.export_ready").count() == 1
    assert queued.args_kwargs["args"] == [export_pk]
