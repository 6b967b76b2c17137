"""Queueing a confirmed broadcast without holding the agent's page.

A 100,000-person broadcast takes about 25 s to queue: longer than a page may wait. By default
a thread of the web process runs it after the confirmation commits, and the screen polls the
`Broadcast` row. If the process dies meanwhile, the row stays "mise en file en cours" and
`queue_broadcast` can be run again (it skips the rows already written).

`GUICHET_BROADCAST_IN_BACKGROUND = False` runs it inside the request instead (tests, or a
deployment that prefers a slow page to a thread).
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection, transaction

from guichet.notifications.actions import queue_broadcast
from guichet.notifications.models import Broadcast

logger = logging.getLogger(__name__)


def start_after_commit(broadcast: Broadcast) -> None:
    """Queue `broadcast` once the transaction that recorded it has committed."""
    pk = broadcast.pk
    if getattr(settings, "GUICHET_BROADCAST_IN_BACKGROUND", True):
        transaction.on_commit(lambda: _thread(pk).start())
    else:
        transaction.on_commit(lambda: _queue(pk))


def _thread(pk: int) -> threading.Thread:
    return threading.Thread(target=_in_thread, args=(pk,), name=f"broadcast-{pk}", daemon=True)


def _in_thread(pk: int) -> None:
    close_old_connections()
    try:
        _queue(pk)
    finally:
        # The thread's own connection: nobody else will close it.
        connection.close()


def _queue(pk: int) -> None:
    try:
        queue_broadcast(
            broadcast=Broadcast.objects.select_related("authority", "created_by").get(pk=pk)
        )
    except Exception:
        # The row says "échec" with the error; the log keeps the traceback.
        logger.exception("broadcast %s could not be queued", pk)
