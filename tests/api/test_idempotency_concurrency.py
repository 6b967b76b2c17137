"""Two identical POSTs at the same moment, with one Idempotency-Key: one request."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError, connection
from django.test import Client

from guichet.cases.models import Request

from .factories import auth, build_world, new_request_body


def waiting_like_a_file_database(attempt):
    """Retry while SQLite says "table is locked", as its busy timeout does on a real file.

    The shared in-memory SQLite test database refuses a second writer at once where the
    file database (WAL, BEGIN IMMEDIATE, 20 s timeout) makes it wait; PostgreSQL waits on the
    unique index.
    """
    for _ in range(200):
        try:
            return attempt()
        except OperationalError as error:
            if connection.vendor != "sqlite" or "locked" not in str(error):
                raise
            time.sleep(0.02)
    raise AssertionError("still locked after 4 s")


@pytest.mark.django_db(transaction=True)
def test_two_retries_at_once_file_one_request(settings, tmp_path):
    # given committed data and two clients about to send the same POST with one key
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    barrier = threading.Barrier(2)
    answers: list = [None, None]

    def send(index):
        try:
            barrier.wait(timeout=10)
            answers[index] = waiting_like_a_file_database(
                lambda: Client().post(
                    "/api/v1/requests",
                    new_request_body(),
                    content_type="application/json",
                    HTTP_IDEMPOTENCY_KEY="en-meme-temps",
                    **auth(world.sceaux_key),
                )  # fmt: skip
            )
        except Exception as error:  # noqa: BLE001 - the outcome is what we check
            answers[index] = error
        finally:
            connection.close()

    # when both are sent together
    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then both get the same 201 answer and exactly one request exists
    assert [getattr(a, "status_code", a) for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert Request.objects.filter(channel="api").count() == 1
