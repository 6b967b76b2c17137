"""What the portal keeps in the browser session: the signed-in person, the requests tracked.

A tracked request is kept with its tracking secret, so each later page goes through
`cases.access` again (and access ends if the secret ever changes).
"""

from __future__ import annotations

from django.http import Http404

from guichet.cases.access import access_request_by_tracking, access_request_of_person
from guichet.cases.models import Request
from guichet.cases.references import normalise_reference
from guichet.people.models import Person
from guichet.people.selectors import resolve

PERSON_KEY = "person_id"
TRACKED_KEY = "portal_tracked"
MAX_TRACKED = 20


def current_person(http_request) -> Person | None:
    """The person signed in with a sign-in link, if any (their survivor if merged)."""
    person_id = http_request.session.get(PERSON_KEY)
    if person_id is None:
        return None
    person = Person.objects.filter(pk=person_id).first()
    person = resolve(person) if person is not None else None
    # An erased person's session ends with their data (people.rights.erasure).
    return person if person is not None and not person.is_erased else None


def sign_in(http_request, person: Person) -> None:
    # A new session key on sign-in: a key planted before cannot be ridden afterwards.
    http_request.session.cycle_key()
    http_request.session[PERSON_KEY] = person.pk


def remember_tracked(http_request, request: Request) -> None:
    known = http_request.session.get(TRACKED_KEY, {})
    if known and list(known.items())[-1] == (request.reference, request.tracking_secret):
        return  # already the latest one remembered: no session write for a page reload
    tracked = dict(known)
    tracked.pop(request.reference, None)
    tracked[request.reference] = request.tracking_secret
    http_request.session[TRACKED_KEY] = dict(list(tracked.items())[-MAX_TRACKED:])


def tracked_request(http_request, reference: str) -> Request:
    """The request `reference` if this browser looked it up, or it belongs to the signed-in
    person; Http404 otherwise (alike for missing and forbidden)."""
    person = current_person(http_request)
    if person is not None:
        try:
            return access_request_of_person(person, reference)
        except Http404:
            pass
    secret = http_request.session.get(TRACKED_KEY, {}).get(normalise_reference(reference) or "")
    if not secret:
        raise Http404("Demande introuvable.")
    return access_request_by_tracking(reference, secret)
