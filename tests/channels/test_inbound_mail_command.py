"""`guichet mail-inbound` as run in production: a process listening on a port until SIGTERM.

Needs a database the command's process can share: PostgreSQL (CI). pytest-django's SQLite
test database lives in memory, invisible to another process, so the test skips there.
"""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
import time
from email.policy import SMTP

import pytest
from cases.factories import build_world, file_request
from django.db import connection
from notifications.servers import free_port
from notifications.test_worker_kill import database_url

from guichet.cases.models import Message

from .conftest import email

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the endpoint never listened")


def test_the_command_receives_a_reply_and_stops_cleanly_on_sigterm(tmp_path):
    if connection.vendor == "sqlite":
        pytest.skip("needs a database shared with the command's process (PostgreSQL, as in CI)")
    # given Alice's request and the endpoint started as a separate process
    world = build_world()
    request = file_request(world, "question-generale")
    port = free_port()
    env = os.environ | {"DATABASE_URL": database_url(), "GUICHET_DATA_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "guichet", "mail-inbound", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for_port(port, process)
        # when her mail server relays her answer
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
            reply = email(subject=f"Re: {request.reference}", body="Réponse par le serveur.")
            client.sendmail("alice@exemple.fr", ["contact@g.fr"], reply.as_bytes(policy=SMTP))
        # then the answer is on her request
        assert Message.objects.get(request=request).body == "Réponse par le serveur."
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err.decode()
    assert "arrêtée" in out.decode()
