"""The only ways to fetch one request: as an agent, as the signed-in person, by tracking.

Every function answers the same "not found" for a request that does not exist and for one the
caller may not see, so nobody learns that a reference exists.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING

from django.http import Http404

from guichet.authorities.access import authority_ids_for
from guichet.authorities.selectors import authority_by_id
from guichet.cases.models import Request
from guichet.cases.references import normalise_reference
from guichet.catalogue.selectors import service_by_id
from guichet.core import rows
from guichet.people.identifiers import IdentifierError, normalise_email, normalise_phone

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from guichet.core.models import User
    from guichet.people.models import Person

NOT_FOUND = "Demande introuvable."


def access_request(user: User | AnonymousUser, pk: int, *, for_update: bool = False) -> Request:
    """The request `pk` if `user` is an agent of the authority handling it now."""
    authority_ids = authority_ids_for(user)
    if not authority_ids:
        raise Http404(NOT_FOUND)
    queryset = Request.objects.select_related(
        "service", "authority", "team", "person", "commune__departement", "assignee"
    )
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.get(pk=pk, authority_id__in=authority_ids)
    except (Request.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None


def access_request_of_person(person: Person | None, reference: str) -> Request:
    """One of the signed-in person's own requests, by reference."""
    canonical = normalise_reference(reference)
    if person is None or canonical is None:
        raise Http404(NOT_FOUND)
    try:
        return Request.objects.select_related("service", "authority").get(
            reference=canonical, person_id=person.pk
        )
    except Request.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def access_request_by_tracking(reference: str, second_factor: str) -> Request:
    """A request by its reference plus a second factor: the tracking secret sent to the
    person, or an e-mail address or phone number the person gave."""
    canonical = normalise_reference(reference)
    factor = (second_factor or "").strip()
    if canonical is None or not factor:
        raise Http404(NOT_FOUND)
    try:
        # A precompiled statement (core.rows): the busiest look-up of the portal.
        [request] = rows.select(Request, "reference = %s", [canonical])
    except ValueError:  # no such reference
        raise Http404(NOT_FOUND) from None
    if not _second_factor_matches(request, factor):
        raise Http404(NOT_FOUND)
    # The service and the authority from the reference-data cache: no join, no JSON to decode.
    service = service_by_id(request.service_id)
    authority = authority_by_id(request.authority_id)
    if service is None or authority is None:  # deleted since the row was read
        raise Http404(NOT_FOUND)
    request.service = service
    request.authority = authority
    return request


def _second_factor_matches(request: Request, factor: str) -> bool:
    if hmac.compare_digest(request.tracking_secret.encode(), factor.encode()):
        return True
    candidates = set()
    for normalise in (normalise_email, normalise_phone):
        try:
            candidates.add(normalise(factor))
        except IdentifierError:
            continue
    if not candidates:
        return False
    return request.person.identities.filter(
        value__in=candidates, kind__in=("email", "phone")
    ).exists()
