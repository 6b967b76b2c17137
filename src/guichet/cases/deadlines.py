"""A request's deadline, from its service's promise and the French working-day calendar."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from guichet.core import calendar

if TYPE_CHECKING:
    from guichet.cases.models import Request


def departement_of(request: Request) -> str | None:
    commune = request.commune
    if commune is None or commune.departement is None:  # no query when departement_id is None
        return None
    return commune.departement.code


def closed_pauses(request: Request) -> list[tuple[datetime, datetime]]:
    # Written with `datetime.isoformat()` (actions._common), read back with its inverse.
    return [
        (datetime.fromisoformat(start), datetime.fromisoformat(end))
        for start, end in request.pauses
    ]


def compute_due_at(request: Request) -> datetime | None:
    """The due moment now, or None when the service promises nothing or the clock is paused."""
    promise = request.service.sla_working_days
    if promise is None:
        return None
    pauses: list[calendar.Pause] = list(closed_pauses(request))
    if request.paused_since is not None:
        pauses.append((request.paused_since, None))
    return calendar.due_date(
        request.received_at, promise, pauses, departement=departement_of(request)
    )
