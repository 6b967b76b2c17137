"""`guichet worker --processes N`: several processes share the outbox, each message sent once.

Real processes, on the test's database (PostgreSQL, or SQLite copied to a file, as in the
kill test).
"""

from __future__ import annotations

from collections import Counter

import pytest

from guichet.notifications.delivery import message_id

from .servers import RecordingSmtp
from .test_worker_kill import queue_emails, shared_database, start_worker, statuses


@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_send_every_message_exactly_once(tmp_path):
    # given sixty e-mails in the outbox
    queued = queue_emails(60, "processes")
    shared_database(tmp_path)
    smtp = RecordingSmtp().start()
    try:
        # when two worker processes deliver them, in small batches
        worker = start_worker(smtp, tmp_path, "--once", "--processes", "2", "--batch", "5")
        output, errors = worker.communicate(timeout=120)
        assert worker.returncode == 0, errors.decode()
    finally:
        smtp.stop()
    # then each message reached the server once and is marked sent
    delivered = Counter(str(m["Message-ID"]).strip() for m in smtp.messages)
    assert delivered == Counter(message_id(n) for n in queued)
    assert statuses(tmp_path) == ["sent"] * 60
    assert "60 notifications traitées." in output.decode()
