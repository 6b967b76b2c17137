"""An agent reaching a person at the counter who has no relationship with their authorities."""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction

from guichet.core import journal
from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.people import events
from guichet.people.errors import PeopleError
from guichet.people.models import Person

REASONS = (events.FILING_AT_COUNTER, events.BOOKING_AT_COUNTER)


@transaction.atomic
def record_counter_access(
    *,
    actor: Actor,
    person: Person | int,
    reason: str,
    authority_ids: Collection[int] = (),
    match: str = "",
) -> Event:
    """Log that `actor` (an agent) was shown `person` at the counter although the person has no
    relationship with the agent's authorities: who, when, which person, why (`reason`), by what
    exact match (`match`: "email" or "phone") and for which authorities. The person's record
    shows it; it lets the agent act for the person for a while (`access.may_act_for`)."""
    if reason not in REASONS:
        raise PeopleError(f"Motif de consultation inconnu : « {reason} ».")
    person_id = person if isinstance(person, int) else person.pk
    return journal.append(
        kind=events.COUNTER_ACCESS,
        actor=actor,
        channel="counter",
        person_id=person_id,
        payload={
            "reason": reason,
            "match": match,
            "authority_ids": sorted(int(pk) for pk in authority_ids),
        },
    )
