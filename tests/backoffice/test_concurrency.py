import threading
import time

import pytest
from django.db import OperationalError, connection

from guichet.cases.actions import change_status
from guichet.cases.models import Request
from guichet.cases.workflow import IllegalTransition
from guichet.core.journal import Actor
from guichet.core.models import Event

from .conftest import file_question


@pytest.mark.django_db(transaction=True)
def test_two_agents_moving_the_same_request_at_once_only_one_wins(world):
    # given a received request, and two agents who both saw it "received"
    case = file_question(world)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def take_on(user, target, note):
        try:
            barrier.wait(timeout=10)
            _waiting_for_locks(
                lambda: change_status(
                    request=Request.objects.get(pk=case.pk), to=target, actor=Actor.agent(user),
                    role="case_handler", note=note, expected_state="received",
                )
            )  # fmt: skip
            outcomes.append("ok")
        except IllegalTransition as refused:  # StaleRequest is one
            outcomes.append(type(refused).__name__)
        finally:
            connection.close()

    # when both act at the same moment in two threads
    threads = [
        threading.Thread(target=take_on, args=(world.handler, "in_progress", "")),
        threading.Thread(target=take_on, args=(world.manager, "rejected", "Hors sujet")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then exactly one succeeded, the other was told the request had moved
    assert sorted(outcomes) in (["StaleRequest", "ok"], ["IllegalTransition", "ok"])
    case.refresh_from_db()
    assert case.state in ("in_progress", "rejected")
    assert Event.objects.filter(case_id=case.pk, kind="request.status_changed").count() == 1


def _waiting_for_locks(call, attempts=200):
    """Run `call`, waiting while another connection holds the lock.

    PostgreSQL and a file SQLite database wait by themselves (row lock, busy timeout); the
    in-memory SQLite database of the tests is shared between threads in "shared cache" mode,
    which answers "table is locked" at once instead of waiting: we wait here, as they would.
    """
    for _ in range(attempts):
        try:
            return call()
        except OperationalError as busy:
            if "locked" not in str(busy):
                raise
            time.sleep(0.02)
    raise AssertionError("the lock was never released")
