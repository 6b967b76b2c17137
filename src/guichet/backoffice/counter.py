"""Finding a person at the counter (filing a request, booking an appointment for them).

Records the agent may read are found by any query; a person without a relationship with the
agent's authorities only by their exact e-mail or phone, shown reduced to what recognises
them, and each such access is journaled (`people.actions.record_counter_access`, ADR 0017).
"""

from __future__ import annotations

from guichet.authorities.access import authority_ids_for
from guichet.core.journal import Actor
from guichet.people import access
from guichet.people.actions import record_counter_access
from guichet.people.models import Person


def look_up(user, query: str, *, reason: str) -> access.CounterSearch:
    """The counter search for `user`, each recognised person's access logged for `reason`."""
    authority_ids = authority_ids_for(user)
    found = access.counter_search(query, authority_ids)
    exact = access.exact_identity(query)
    for person in found.recognised:
        record_counter_access(
            actor=Actor.agent(user), person=person.pk, reason=reason,
            authority_ids=authority_ids, match=exact[0] if exact else "",
        )  # fmt: skip
    return found


def may_act_for(user, person: Person) -> bool:
    """Whether `user` may file or book for `person` (a relationship, or a recent counter
    look-up or creation of the record by this agent)."""
    return access.may_act_for(authority_ids_for(user), user.pk, person)
