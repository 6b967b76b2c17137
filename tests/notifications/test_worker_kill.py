"""A worker process killed mid-delivery loses nothing and sends nothing twice after restart.

The worker runs as a real process, so it must see the test's database: PostgreSQL as is; on
SQLite, pytest-django's database lives in memory, so it is copied to the file the worker opens
(`shared_database`), and the outcome is read back from that file.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from urllib.parse import quote

import pytest
from django.db import connection, transaction

from guichet.core.journal import Actor
from guichet.notifications.delivery import message_id
from guichet.notifications.models import Notification
from guichet.notifications.outbox import enqueue
from guichet.people import actions as people
from guichet.people.models import Verification

from .servers import RecordingSmtp


def database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def shared_database(tmp_path) -> None:
    """Make this test's committed data visible to worker processes started with `tmp_path`."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(tmp_path / "guichet.sqlite3") as copy:
            connection.connection.backup(copy)


def statuses(tmp_path) -> list[str]:
    """The outbox statuses as the workers left them."""
    if connection.vendor == "sqlite":
        with closing(sqlite3.connect(tmp_path / "guichet.sqlite3")) as copy:
            return [row[0] for row in copy.execute("SELECT status FROM notifications_notification")]
    return list(Notification.objects.values_list("status", flat=True))


def start_worker(smtp: RecordingSmtp, tmp_path, *args: str) -> subprocess.Popen:
    env = os.environ | {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "GUICHET_DATA_DIR": str(tmp_path),
    }
    if connection.vendor == "sqlite":
        env.pop("DATABASE_URL", None)  # the copy in GUICHET_DATA_DIR
    else:
        env["DATABASE_URL"] = database_url()
    command = [sys.executable, "-m", "guichet", "worker", "--batch", "1", "--idle", "0.2", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def queue_emails(count: int, key: str) -> list[Notification]:
    """`count` status e-mails to one person, committed (the workers are other processes)."""
    with transaction.atomic():
        person = people.create_person(
            actor=Actor.system("tests"), first_name="Chloé", last_name="Petit",
            email="chloe@exemple.fr", verification=Verification.EMAIL_VERIFIED,
        )  # fmt: skip
        return [
            enqueue(
                person=person,
                channel="email",
                message_kind="status",
                variables={"reference": f"REF-{n}"},
                idempotency_key=f"{key}:{n}",
            )  # fmt: skip
            for n in range(count)
        ]


def wait_until(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_delivery_loses_nothing_and_sends_nothing_twice(tmp_path):
    # given three e-mails in the outbox and an SMTP server that hangs on the first one
    queued = queue_emails(3, "kill-test")
    shared_database(tmp_path)
    smtp = RecordingSmtp().start()
    smtp.stall = True
    try:
        # when a worker process is killed while it is sending
        worker = start_worker(smtp, tmp_path, "--lease", "2")
        wait_until(lambda: smtp.stalled)
        assert statuses(tmp_path).count("sending") == 1
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
        assert not smtp.messages
        # and a new worker starts once the dead one's lease has run out
        smtp.stall = False
        time.sleep(2.5)
        restarted = start_worker(smtp, tmp_path, "--once")
        _, errors = restarted.communicate(timeout=60)
        assert restarted.returncode == 0, errors.decode()
    finally:
        smtp.stop()
    # then every message was delivered exactly once, with the identifier of its first attempt
    delivered = sorted(str(m["Message-ID"]).strip() for m in smtp.messages)
    assert delivered == sorted(message_id(n) for n in queued)
    assert str(smtp.stalled[0]["Message-ID"]).strip() in delivered
    assert set(statuses(tmp_path)) == {"sent"}
