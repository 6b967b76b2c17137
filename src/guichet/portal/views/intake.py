"""Filing a request: the service's form plus contact details, then the receipt."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from guichet.cases.actions import IntakeError, file_request
from guichet.cases.promises import promise_of
from guichet.catalogue.models import Channel
from guichet.catalogue.presentation import form_fields
from guichet.catalogue.selectors import service_by_slug
from guichet.catalogue.validation import NON_FIELD_ERRORS, FormValidationError, validate_submission
from guichet.core.journal import Actor
from guichet.people.actions import Applicant, IdentifierError, PeopleError
from guichet.portal import selectors
from guichet.portal.forms import ContactForm
from guichet.portal.session import current_person, remember_tracked, tracked_request
from guichet.portal.views._common import not_found, page
from guichet.territory.selectors import commune_at_point, commune_by_code

# Who writes the new person's record when the visitor is not signed in: the portal itself.
PORTAL = Actor.application("portail")


@require_http_methods(["GET", "POST"])
def request_form(request, code, slug):
    service = service_by_slug(slug)
    commune = commune_by_code(code)
    if service is None or commune is None:
        return not_found(request, "Ce service ou cette commune est inconnu.")
    offer = selectors.offer_of(service, commune)
    refusal = _refusal(service, offer)
    if refusal:
        context = {"title": service.name, "service": service, "commune": commune}
        return page(request, "portal/no_request.html", context | {"message": refusal}, status=404)
    person = current_person(request)
    context = {
        "title": f"Demande : {service.name}",
        "service": service,
        "commune": commune,
        "offer": offer,
        "signed_in_person": person,
    }
    if request.method == "GET":
        return page(
            request, "portal/request_form.html",
            context | {"fields": form_fields(service.form), "contact": None if person else ContactForm(prefix="contact")},
        )  # fmt: skip
    return _submit(request, service, commune, person, context)


def _submit(request, service, commune, person, context):
    contact = ContactForm(request.POST, prefix="contact") if person is None else None
    errors: dict[str, list[str]] = {}
    try:
        cleaned = validate_submission(service.form, request.POST, request.FILES)
    except FormValidationError as invalid:
        errors, cleaned = dict(invalid.errors), {}
    errors.update(_misplaced(service, cleaned, commune))
    contact_ok = contact is None or contact.is_valid()
    if not errors and contact_ok:
        try:
            filed = _file(request, service, commune, person, contact, cleaned, context["offer"])
        except IntakeError as refused:
            errors = refused.errors
        except (IdentifierError, PeopleError) as refused:
            errors = {NON_FIELD_ERRORS: [str(refused)]}
        else:
            remember_tracked(request, filed)
            return redirect("portal:receipt", reference=filed.reference)
    fields = form_fields(service.form, request.POST, errors)
    known = {view.name for view in fields}
    general = [m for name, messages in errors.items() if name not in known for m in messages]
    summary = [(view.id, view.label, m) for view in fields for m in view.errors]
    if contact is not None:
        summary += [
            (contact[name].id_for_label, contact[name].label, m)
            for name, messages in contact.errors.items()
            for m in messages
        ]
    return page(
        request, "portal/request_form.html",
        context | {"fields": fields, "contact": contact, "summary": summary, "general_errors": general,
                   "had_files": bool(request.FILES)},
        status=400,
    )  # fmt: skip


def _file(request, service, commune, person, contact, cleaned, offer):
    if person is not None:
        applicant = Applicant(person=person)
    else:
        data = contact.cleaned_data
        applicant = Applicant(
            first_name=data["first_name"], last_name=data["last_name"],
            email=data["email"] or None, phone=data["phone"] or None, commune=commune,
        )  # fmt: skip
    return file_request(
        service=service, applicant=applicant, channel=Channel.WEB, registrar=PORTAL,
        form_data=cleaned, files=request.FILES, commune=commune, competence=offer.competence,
    )  # fmt: skip


def _refusal(service, offer) -> str:
    if not service.accepts_requests:
        return (
            f"« {service.name} » est une page d'information : ce service ne permet pas de "
            "déposer une demande en ligne."
        )
    if not offer.competence.available:
        return offer.competence.reason
    if service.channels and Channel.WEB not in service.channels:
        return "Ce service n'accepte pas les demandes en ligne : adressez-vous à l'accueil."
    return ""


def _misplaced(service, cleaned, commune) -> dict[str, list[str]]:
    """A point placed outside the chosen commune would be routed to the wrong authority."""
    errors = {}
    for spec in service.form_definition or []:
        point = cleaned.get(spec.get("name")) if spec.get("type") == "location" else None
        if not point or not commune.boundary:
            continue
        found = commune_at_point(point["lon"], point["lat"])
        if found is None or found.pk != commune.pk:
            where = f"à {found.name}" if found is not None else "hors des communes desservies"
            errors[spec["name"]] = [
                f"Ce point est situé {where}, pas à {commune.name}. Placez-le dans la commune "
                "ou choisissez une autre commune."
            ]
    return errors


def receipt(request, reference):
    try:
        filed = tracked_request(request, reference)
    except Http404:
        return not_found(request, "Demande introuvable.")
    link = request.build_absolute_uri(
        reverse("portal:tracking", kwargs={"reference": filed.reference})
    )
    return page(
        request,
        "portal/receipt.html",
        {
            "title": f"Demande {filed.reference} envoyée",
            "filed": filed,
            "tracking_link": f"{link}?cle={filed.tracking_secret}",
            "promise": promise_of(filed.service, filed.authority_id),
        },
    )
