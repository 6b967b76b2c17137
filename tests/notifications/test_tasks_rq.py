"""The Redis task backend (`django_tasks_rq.RQBackend`) switched on: a queued notification's
wake-up and a broadcast's queueing task wait in the Redis queue, an RQ worker runs them and the
e-mails reach the SMTP server; `guichet worker` tells the operator to start the RQ workers.

The RQ worker is rq's `SimpleWorker` in burst mode, in this process: the jobs run in the test's
thread, on its database. Redis db 11 is this module's own, flushed before and after. Skipped
only when no Redis answers on 127.0.0.1:6379 (CI has one).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import django_rq
import pytest
import redis
from cases.factories import file_request
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tasks import task_backends
from django_tasks_rq import Job, RQBackend
from rq import SimpleWorker

from guichet.notifications import tasks
from guichet.notifications.delivery import message_id
from guichet.notifications.models import Broadcast, Notification

from .test_broadcast import opted_in

REDIS_URL = "redis://127.0.0.1:6379/11"
ON_REDIS = override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
    RQ_QUEUES={"default": {"URL": REDIS_URL}},
)


def redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(
    not redis_answers(), reason="no Redis on 127.0.0.1:6379 (the RQ backend needs one)"
)


@pytest.fixture
def rq_backend():
    """The RQ backend as `default` (django-tasks rebuilds its backends on the TASKS change)."""
    with ON_REDIS:
        queue = django_rq.get_queue("default", job_class=Job)
        queue.connection.flushdb()
        assert isinstance(task_backends["default"], RQBackend)
        yield queue
        queue.connection.flushdb()


def queued_tasks(queue) -> list[str]:
    return [job.func_name for job in queue.get_jobs()]


def run_rq_worker(queue) -> None:
    """`guichet rqworker --burst --job-class django_tasks_rq.Job default`, in this thread."""
    # rq installs its own SIGINT/SIGTERM handlers for a polite stop: give pytest's back.
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
        assert worker.work(burst=True)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def test_a_filed_request_is_e_mailed_through_the_redis_queue(
    world, rq_backend, smtp_server, django_capture_on_commit_callbacks
):
    # when Alice files a request (its receipt e-mail goes to the outbox)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        request = file_request(world)
    receipt = Notification.objects.get(request=request, channel="email")
    # then the wake-up waits in Redis, not in the database, and nothing is sent yet
    assert queued_tasks(rq_backend) == [tasks.deliver_outbox.module_path]
    assert receipt.status == "queued" and smtp_server.messages == []
    # when an RQ worker runs its queue
    run_rq_worker(rq_backend)
    # then the queue is empty, the job succeeded with the count, and the e-mail was delivered
    assert queued_tasks(rq_backend) == []
    [job_id] = rq_backend.finished_job_registry.get_job_ids()
    result = task_backends["default"].get_result(job_id)
    assert result.status == "SUCCESSFUL" and result.return_value == 1
    receipt.refresh_from_db()
    assert receipt.status == "sent"
    assert [str(m["Message-ID"]) for m in smtp_server.messages] == [message_id(receipt)]
    assert smtp_server.messages[0]["To"] == "alice@exemple.fr"


def test_a_confirmed_broadcast_is_queued_and_sent_by_the_rq_worker(
    world, rq_backend, smtp_server, client, settings, django_capture_on_commit_callbacks
):
    # given two opted-in persons of Sceaux and its manager, broadcasts queued by a task
    settings.GUICHET_BROADCAST_IN_BACKGROUND = True
    for name in ("Oui", "Aussi"):
        opted_in(name, commune=world.sceaux_commune)
    client.force_login(world.manager_sceaux)
    # when the manager confirms a broadcast by e-mail
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/notifications/diffusion/",
            {"collectivite": "sceaux", "message": "Marché avancé au samedi.",
             "channels": ["email"], "etape": "confirmer"},
        )  # fmt: skip
    # then its queueing task waits in Redis
    broadcast = Broadcast.objects.get()
    assert broadcast.status == "pending"
    assert queued_tasks(rq_backend) == [tasks.queue_broadcast_task.module_path]
    # when an RQ worker runs it
    with django_capture_on_commit_callbacks(execute=True):
        run_rq_worker(rq_backend)
    # then the messages are in the outbox, and their wake-up in Redis (the test's transaction
    # holds the commit callbacks until here, so a second burst runs it)
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.queued) == ("queued", 2)
    assert queued_tasks(rq_backend) == [tasks.deliver_outbox.module_path]
    # when the worker runs again, then both persons got the message
    run_rq_worker(rq_backend)
    assert sorted(m["To"] for m in smtp_server.messages) == ["aussi@exemple.fr", "oui@exemple.fr"]
    assert queued_tasks(rq_backend) == []


def test_an_unreachable_redis_leaves_the_broadcast_pending_and_the_page_answers(
    world, client, settings, django_capture_on_commit_callbacks, caplog
):
    # given the RQ backend pointing at a port where no Redis answers
    settings.GUICHET_BROADCAST_IN_BACKGROUND = True
    opted_in("Oui", commune=world.sceaux_commune)
    client.force_login(world.manager_sceaux)
    nowhere = override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
        RQ_QUEUES={"default": {"URL": "redis://127.0.0.1:1/11"}},
    )
    # when the manager confirms a broadcast
    with nowhere, django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/notifications/diffusion/",
            {"collectivite": "sceaux", "message": "Marché avancé au samedi.",
             "channels": ["email"], "etape": "confirmer"},
        )  # fmt: skip
    # then the page still answers, the broadcast waits (its page offers to resume it after
    # ten minutes) and the log says why
    assert response.status_code == 302
    assert Broadcast.objects.get().status == "pending"
    assert "could not enqueue its queueing task" in caplog.text


def test_guichet_worker_tells_to_start_the_rq_workers(db, rq_backend, capsys):
    # when `guichet worker --once` runs with the RQ backend
    call_command("worker", once=True)
    # then it says, in French, which workers to start and what it still does itself
    out = capsys.readouterr().out
    assert "Les tâches passent par django_tasks_rq.backend.RQBackend" in out
    assert "guichet rqworker --job-class django_tasks_rq.Job default" in out
    assert "balaie la boîte d'envoi" in out


def test_the_environment_switch_installs_django_rq_and_passes_the_checks():
    # when settings are read with GUICHET_TASKS_BACKEND naming the RQ backend
    environment = os.environ | {
        "GUICHET_TASKS_BACKEND": "django_tasks_rq.RQBackend", "REDIS_URL": REDIS_URL,
    }  # fmt: skip
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from django.core.management import call_command; "
        "print('django_rq' in settings.INSTALLED_APPS, settings.RQ_QUEUES['default']['URL']); "
        "call_command('check', '--fail-level', 'ERROR')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    # then django_rq is installed, the queue points at REDIS_URL and Django's checks pass
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"True {REDIS_URL}")
