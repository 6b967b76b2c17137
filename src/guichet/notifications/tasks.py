"""Background work through Django's Tasks API (`django-tasks`): the outbox wake-up, the
queueing of confirmed broadcasts, and the periodic jobs that `guichet worker` runs.

The outbox stays the source of truth (ADR 0007): `deliver_outbox` carries no message, it only
says "something is due". A lost wake-up (a crash between commit and enqueue, a Redis restart)
delays messages until the worker's next sweep of the outbox; it never loses one.

A confirmed broadcast is queued by `queue_broadcast_task` (100,000 persons take about 25 s:
longer than a page may wait). A lost or failed one leaves the `Broadcast` row unfinished or
failed, and its page offers "Reprendre la mise en file" (`queue_broadcast` skips the rows
already written).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.module_loading import import_string
from django_tasks import task, task_backends
from django_tasks_db.backend import DatabaseBackend

from guichet.core import clock
from guichet.notifications import delivery
from guichet.notifications.actions import queue_broadcast
from guichet.notifications.models import Broadcast

logger = logging.getLogger(__name__)

WAKE_UP_QUEUED = "notifications:wake-up-queued"
WAKE_UP_FLAG_SECONDS = 60


# `guichet worker` sets its --batch, --lease and --smtp-sessions here, for the tasks it runs
# in its own process; other workers (RQ) use the settings.
worker_options: dict[str, int | None] = {}


def batch_size() -> int:
    return worker_options.get("batch") or getattr(settings, "GUICHET_NOTIFICATIONS_BATCH", 200)


@task()
def deliver_outbox() -> int:
    """Deliver due batches until none is due; returns how many notifications were handled."""
    cache.delete(WAKE_UP_QUEUED)  # what commits from now on needs a new wake-up
    total = 0
    while claimed := delivery.deliver_due(
        limit=batch_size(),
        lease_seconds=worker_options.get("lease"),
        sessions=worker_options.get("sessions"),
    ):
        total += claimed
    return total


def wake_worker() -> None:
    """Enqueue `deliver_outbox` once the current transaction commits: once per transaction.

    Called for every notification queued; a broadcast queues thousands in one transaction,
    so the callback is registered only if it is not waiting already.
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        func is _enqueue_wake_up for _, func, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(_enqueue_wake_up)


def wake_on_event(event) -> None:
    """Journal hook (in the writer's transaction) for events that queued notifications."""
    wake_worker()


def _enqueue_wake_up() -> None:
    # One wake-up not yet started is enough, however many commits asked for one: it delivers
    # everything due when it runs. A flag in the shared cache says one is queued (one round
    # trip, where asking the task table cost a tenth of a web filing); `deliver_outbox` clears
    # it as it starts, since a running one may have looked at the outbox before this commit.
    # A flag left by a lost wake-up expires; meanwhile the worker's sweep delivers.
    try:
        if not cache.add(WAKE_UP_QUEUED, True, timeout=WAKE_UP_FLAG_SECONDS):
            return
    except Exception:
        logger.exception("shared cache unavailable: waking the worker anyway")
    try:
        deliver_outbox.enqueue()
    except Exception:
        cache.delete(WAKE_UP_QUEUED)
        # The notifications are committed: the worker's sweep of the outbox delivers them.
        logger.exception("could not enqueue deliver_outbox; the outbox sweep will deliver")


@task()
def queue_broadcast_task(broadcast_id: int) -> int:
    """Write the outbox rows of a confirmed broadcast; returns how many it has.

    A failure leaves the row "échec" with its error (`queue_broadcast`), and the task failed.
    """
    broadcast = Broadcast.objects.select_related("authority", "created_by").get(pk=broadcast_id)
    return queue_broadcast(broadcast=broadcast)


def queue_broadcast_after_commit(broadcast: Broadcast) -> None:
    """Queue `broadcast` once the transaction that recorded it (or resumes it) has committed.

    By a task that `guichet worker` (or the RQ workers) runs, so the page answers at once and
    polls the row. `GUICHET_BROADCAST_IN_BACKGROUND = False` queues inside the request instead
    (a deployment that prefers a slow page; some tests).
    """
    pk = broadcast.pk
    if getattr(settings, "GUICHET_BROADCAST_IN_BACKGROUND", True):
        transaction.on_commit(lambda: _enqueue_broadcast(pk))
    else:
        transaction.on_commit(lambda: _queue_broadcast_now(pk))


def _enqueue_broadcast(pk: int) -> None:
    try:
        queue_broadcast_task.enqueue(pk)
    except Exception:
        # The broadcast is committed, pending: after `audience.STALLED_AFTER` its page offers
        # to resume it. The agent's page must not fail for it.
        logger.exception("broadcast %s: could not enqueue its queueing task", pk)


def _queue_broadcast_now(pk: int) -> None:
    try:
        queue_broadcast_task.call(pk)
    except Exception:
        # The row says "échec" with the error; the log keeps the traceback.
        logger.exception("broadcast %s could not be queued", pk)


def prune_task_results() -> None:
    """Delete the database backend's finished task results older than a week."""
    if isinstance(task_backends["default"], DatabaseBackend):
        from django.core.management import call_command

        call_command("prune_db_task_results", min_age_days=7, verbosity=0)


def periodic_jobs() -> dict[str, float]:
    jobs = getattr(settings, "GUICHET_WORKER_PERIODIC", {})
    if not isinstance(jobs, dict):
        raise ImproperlyConfigured(
            'GUICHET_WORKER_PERIODIC doit être un objet JSON {"chemin.de.la.fonction": secondes}.'
        )
    return jobs


class Periodic:
    """Runs each job (dotted path → interval in seconds) once per interval, first at start.

    Jobs run in the worker's own process, one after the other; a failing job is logged and
    tried again at its next interval. A job that does not exist (an app not installed, not
    written yet) is skipped with a log line.
    """

    def __init__(self, jobs: dict[str, float]) -> None:
        self.jobs: dict[str, tuple[Callable[[], object], timedelta]] = {}
        for path, seconds in jobs.items():
            if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
                logger.warning(
                    "periodic job %s: interval %r is not a number of seconds", path, seconds
                )
                continue
            try:
                self.jobs[path] = (import_string(path), timedelta(seconds=seconds))
            except ImportError:
                logger.warning("periodic job %s not found: skipped", path)
        self.next_run: dict[str, datetime] = {}

    def run_due(self) -> int:
        """Run the jobs whose time has come; returns how many ran."""
        ran = 0
        for path, (job, interval) in self.jobs.items():
            now = clock.now()
            if path in self.next_run and now < self.next_run[path]:
                continue
            self.next_run[path] = now + interval
            try:
                job()
            except Exception:
                logger.exception("periodic job %s failed", path)
            ran += 1
        return ran
