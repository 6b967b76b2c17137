"""The residents' participation pages: consultations, ideas, one-time participation."""

from __future__ import annotations

from guichet.people.models import Person
from guichet.portal.session import current_person

ONE_TIME_KEY = "participation_person"
TICKET_KEY = "participation_ticket"


def participant(http_request) -> Person | None:
    """The signed-in person, else the one-time participant this browser proved by a code."""
    person = current_person(http_request)
    if person is not None:
        return person
    pk = http_request.session.get(ONE_TIME_KEY)
    found = Person.objects.filter(pk=pk, erased_at__isnull=True).first() if pk else None
    return found
