"""The relationship a request makes between a person and an authority (`people.access`).

The authority handling the request now, and every authority that held it before: the one it
was filed with and those it was handed to, read from the journal (the `request.received` and
`request.handed_off` events carry the authority that held the request from then on).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from guichet.cases import events
from guichet.cases.models import Request
from guichet.core.models import Event


def with_requests_of(authority_ids: frozenset[int]) -> Q:
    """Persons with a request handled now, or once, by one of `authority_ids`."""
    handled_now = Exists(
        Request.objects.filter(person_id=OuterRef("pk"), authority_id__in=authority_ids)
    )
    held_once = Exists(
        Event.objects.filter(
            person_id=OuterRef("pk"),
            kind__in=[events.RECEIVED, events.HANDED_OFF],
            authority_id__in=authority_ids,
        )
    )
    return Q(handled_now) | Q(held_once)
