"""The worker's wake-up across real commits (its own module: the other task tests share a
module-wide transaction, in which nothing ever commits)."""

from __future__ import annotations

import pytest
from cases.factories import person
from django.core.management import call_command
from django.db import transaction
from django_tasks import TaskResultStatus

from .test_tasks import queue_emails, wake_ups


@pytest.mark.django_db(transaction=True)
def test_once_the_worker_has_started_the_next_commit_wakes_it_again(smtp_server):
    # given a wake-up the worker has already run
    chloe = person("Chloé", "Petit", email="chloe@exemple.fr")
    with transaction.atomic():
        queue_emails(chloe, 1, "a")
    assert [w.status for w in wake_ups()] == [TaskResultStatus.READY]
    call_command("worker", once=True, verbosity=0)
    # when two more transactions queue messages
    for prefix in ("b", "c"):
        with transaction.atomic():
            queue_emails(chloe, 1, prefix)
    # then one new wake-up waits for the worker (the one that ran may have missed them)
    assert sorted(w.status for w in wake_ups()) == [
        TaskResultStatus.READY, TaskResultStatus.SUCCESSFUL
    ]  # fmt: skip
