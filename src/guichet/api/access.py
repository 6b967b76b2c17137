"""What a caller may read: the same rules as the back office, scoped to the caller's authorities.

Like `cases.access`, a missing row and a forbidden one get the same "not found".
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from guichet.api.caller import Caller
from guichet.cases.access import NOT_FOUND
from guichet.cases.models import Request
from guichet.cases.references import normalise_reference
from guichet.core.models import Event
from guichet.people.access import visible_persons
from guichet.people.models import Person

PERSON_NOT_FOUND = "Usager introuvable."


def requests_for(caller: Caller) -> QuerySet[Request]:
    """The requests handled now by the caller's authorities."""
    return Request.objects.filter(authority_id__in=caller.authority_ids).select_related(
        "service", "authority", "team", "assignee", "commune"
    )


def request_for(caller: Caller, reference: str, *, for_update: bool = False) -> Request:
    """One request of the caller's authorities, by reference (typing mistakes forgiven)."""
    canonical = normalise_reference(reference or "")
    if canonical is None or not caller.authority_ids:
        raise Http404(NOT_FOUND)
    requests = requests_for(caller).select_related("person", "commune__departement")
    if for_update:
        requests = requests.select_for_update(of=("self",))
    found = requests.filter(reference=canonical).first()
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def persons_for(caller: Caller) -> QuerySet[Person]:
    """People with a relationship with the caller's authorities (a request they handle or once
    held, an appointment at their places: `people.access`, the back office's rule).

    A person is platform-wide, but an authority knows only those who asked it something.
    """
    return visible_persons(caller.authority_ids).select_related("commune")


def person_for(caller: Caller, pk: int) -> Person:
    """One person the caller may see; the same "not found" for a missing and a forbidden one."""
    found = persons_for(caller).prefetch_related("identities").filter(pk=pk).first()
    if found is None:
        raise Http404(PERSON_NOT_FOUND)
    return found


def events_for(caller: Caller) -> QuerySet[Event]:
    """The journal of the caller's authorities."""
    return Event.objects.filter(authority_id__in=caller.authority_ids)
