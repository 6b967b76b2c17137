"""The worker's schedule (GUICHET_WORKER_PERIODIC): the briefings whose period has ended."""

from __future__ import annotations

import logging

from guichet.contracts.briefings import actions
from guichet.contracts.briefings.periods import is_due
from guichet.contracts.models import BriefingRemit
from guichet.core import clock
from guichet.journeys import store

logger = logging.getLogger(__name__)


def send_due() -> int:
    """Send every active remit's briefing for its last complete period, once; the count."""
    now = clock.now()
    due = [
        remit
        for remit in BriefingRemit.objects.filter(is_active=True).select_related("authority")
        if is_due(remit.frequency, remit.last_sent_at, now)
    ]
    if not due:
        return 0
    log = store.journal_log()  # read once for every remit
    for remit in due:
        actions.send_briefing(remit=remit, now=now, log=log)
    return len(due)
