""" "Already reported nearby" on the request form, and following a report (issue 16).

`nearby` answers the request form's script with an HTML fragment: the open requests of the
service around the point just placed, with nothing personal (the service, the public status,
the day, the distance, and the summary only for a service whose reports are public). `follow`
asks for a way to tell the visitor (or, signed in, one click) and makes them a follower.
"""

from __future__ import annotations

import math

from django.db import DatabaseError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods

from guichet.cases.actions import FollowError, follow_request
from guichet.cases.models import Request
from guichet.cases.nearby import NearbyRequest, age_phrase, distance_phrase, nearby_requests
from guichet.cases.references import normalise_reference
from guichet.catalogue.selectors import service_by_slug
from guichet.people.actions import Applicant, IdentifierError, PeopleError
from guichet.portal.forms import ContactForm
from guichet.portal.session import current_person
from guichet.portal.views._common import SeeOther, limited, not_found, page, too_many_tries
from guichet.portal.views.intake import PORTAL

FOLLOWED_KEY = "portal_followed"
NOT_FOLLOWABLE = "Ce signalement est introuvable ou ne peut pas être suivi."


class PointError(ValueError):
    pass


def _coordinate(raw: str | None, name: str, low: float, high: float) -> float:
    text = (raw or "").strip().replace(",", ".")
    if not text:
        raise PointError(f"Indiquez la {name} du point.")
    if len(text) > 32:
        raise PointError(f"La {name} est trop longue.")
    try:
        value = float(text)
    except ValueError:
        raise PointError(f"La {name} doit être un nombre (ex. 48,7772).") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise PointError(f"La {name} doit être comprise entre {low:g} et {high:g}.")
    return value


def _bad_request(message: str) -> HttpResponse:
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def shown(near: NearbyRequest, service) -> dict:
    return {
        "reference": near.reference,
        "distance": distance_phrase(near.distance_m),
        "age": age_phrase(near.age),
        "received_at": near.received_at,
        "status": near.public_status_label,
        # the filer's summary is public only where the service shows its reports publicly
        "title": near.summary if service.public_reports else service.name,
        "follow_url": reverse("portal:follow", kwargs={"reference": near.reference}),
    }


@require_GET
def nearby(request, slug):
    """The open requests of the service around `lat`, `lon` (an HTML fragment; 400 in French
    for a point that is not one)."""
    service = service_by_slug(slug)
    if service is None or not service.accepts_requests:
        return HttpResponse(
            "Service inconnu.", status=404, content_type="text/plain; charset=utf-8"
        )
    try:
        lat = _coordinate(request.GET.get("lat"), "latitude", -90, 90)
        lon = _coordinate(request.GET.get("lon"), "longitude", -180, 180)
    except PointError as refused:
        return _bad_request(str(refused))
    try:
        found = nearby_requests(service, lat, lon)
    except DatabaseError:
        found = []  # a look-up that fails never stands between the person and the form
    response = render(
        request, "portal/nearby/_list.html",
        {"service": service, "nearby": [shown(near, service) for near in found]},
    )  # fmt: skip
    response["Cache-Control"] = "no-store"
    return response


class FollowForm(ContactForm):
    """How to tell a visitor who follows a report: an e-mail or a phone; names optional."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name"):
            self.fields[name].required = False


def _followable(reference: str) -> Request | None:
    normalised = normalise_reference(reference)
    if normalised is None:
        return None
    found = (
        Request.objects.select_related("service", "authority")
        .filter(reference=normalised, is_test=False, duplicate_of__isnull=True)
        .first()
    )
    # only a report of a service that offers it nearby, or shows its reports publicly
    if found is None or not (found.service.nearby_radius_m or found.service.public_reports):
        return None
    return found


@require_http_methods(["GET", "POST"])
def follow(request, reference):
    """« Suivre ce signalement »: one click when signed in, else an e-mail or a phone."""
    found = _followable(reference)
    if found is None:
        return not_found(request, NOT_FOLLOWABLE)
    person = current_person(request)
    form = None if person is not None else FollowForm(request.POST or None, prefix="contact")
    error = "" if found.is_open else "Ce signalement est clos : il ne peut plus être suivi."
    if request.method == "POST" and not error:
        verdict = limited(request, "follow", limit=20, window=3600)
        if not verdict.allowed:
            return too_many_tries(request, verdict)
        if form is None or form.is_valid():
            try:
                follow_request(
                    request=found, person=person or _applicant(form, found), registrar=PORTAL
                )
            except (FollowError, IdentifierError, PeopleError) as refused:
                error = str(refused)
            else:
                followed = [
                    r for r in request.session.get(FOLLOWED_KEY, []) if r != found.reference
                ]
                request.session[FOLLOWED_KEY] = [*followed, found.reference][-20:]
                return SeeOther(reverse("portal:followed", kwargs={"reference": found.reference}))
    summary = []
    if form is not None and form.is_bound:
        summary = [
            (form[name].id_for_label, form[name].label, m)
            for name, messages in form.errors.items()
            for m in messages
        ]
    return page(
        request, "portal/nearby/follow.html",
        {"title": f"Suivre le signalement {found.reference}", "report": found, "form": form,
         "person": person, "error": error, "summary": summary, "public_url": _public_url(found)},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


def _applicant(form: FollowForm, found: Request) -> Applicant:
    data = form.cleaned_data
    return Applicant(
        first_name=data["first_name"].strip(), last_name=data["last_name"].strip(),
        email=data["email"] or None, phone=data["phone"] or None, commune=found.commune,
    )  # fmt: skip


@require_GET
def followed(request, reference):
    """« Vous suivez le signalement … » after a follow in this browser."""
    found = _followable(reference)
    if found is None or found.reference not in request.session.get(FOLLOWED_KEY, []):
        return (
            redirect("portal:follow", reference=reference)
            if found
            else not_found(request, NOT_FOLLOWABLE)
        )
    return page(
        request, "portal/nearby/followed.html",
        {"title": f"Vous suivez le signalement {found.reference}", "report": found,
         "public_url": _public_url(found)},
    )  # fmt: skip


def _public_url(found: Request) -> str:
    """The report's public page (no private part), when its service shows reports publicly."""
    if not found.service.public_reports:
        return ""
    try:
        return reverse("portal:report", kwargs={"reference": found.reference})
    except NoReverseMatch:
        return ""
