"""The outbox's share of an erasure (people.rights.erasure, ADR 0025).

A notification row stays (its kind, channel, status and dates count), its recipient and bodies
go; one not sent yet never will be (failed, « usager effacé »).
"""

from __future__ import annotations

from guichet.notifications.models import Notification
from guichet.people.rights.erasure import ERASED, Batch, Part, register

NOT_SENT = "Usager effacé : message non envoyé."


def _erase(batch: Batch) -> dict[str, int]:
    # Every notification names its person (the column is required and indexed).
    rows = Notification.objects.filter(person_id__in=batch.person_ids)
    rows.filter(status__in=[Notification.Status.QUEUED, Notification.Status.SENDING]).update(
        status=Notification.Status.FAILED, claimed_until=None, last_error=NOT_SENT
    )
    erased = rows.update(recipient="", subject=ERASED, text=ERASED, html="", ics="")
    rows.exclude(last_error=NOT_SENT).exclude(last_error="").update(last_error=ERASED)
    return {"notifications": erased}


register(Part(name="notifications", order=40, erase=_erase))
