"""The address step, the integrated offer at a commune, the catalogue and service pages."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse

from guichet.cases.promises import Promise, promise_of
from guichet.catalogue.selectors import (
    audience_of,
    categories_with_services,
    published_services,
    service_by_slug,
)
from guichet.portal import booking, selectors
from guichet.portal.address import find_communes
from guichet.portal.forms import AddressForm
from guichet.portal.views._common import not_found, page
from guichet.territory.selectors import commune_by_code


def home(request):
    """ "Que puis-je faire à mon adresse ?": a postcode or a commune name, then the commune."""
    service_slug = request.GET.get("service", "")
    service = service_by_slug(service_slug) if service_slug else None
    form = AddressForm(request.GET if "q" in request.GET else None)
    context = {"title": "Accueil", "form": form, "service": service, "communes": None}
    if form.is_valid():
        text = form.cleaned_data["q"].strip()
        found = find_communes(text)
        communes = found.communes
        if len(communes) == 1:
            return redirect(_next_url(communes[0], service))
        context.update(
            communes=[(c, _next_url(c, service)) for c in communes],
            searched=text,
            postcode=found.postcode,
        )
        if not communes:
            form.add_error(
                "q",
                f"Aucune commune desservie ne correspond au code postal « {found.postcode} »."
                if found.postcode
                else f"Aucune commune ne correspond à « {text} ». Indiquez le code postal ou "
                "le nom de la commune.",
            )
    return page(request, "portal/home.html", context)


def commune_offer(request, code):
    commune = commune_by_code(code)
    if commune is None:
        return not_found(request, "Cette commune est inconnue.")
    groups = selectors.offer_at(commune)
    authority_ids = {offer.authority.pk for _category, offers in groups for offer in offers}
    return page(
        request,
        "portal/commune.html",
        {
            "title": f"Vos démarches à {commune.name}",
            "commune": commune,
            "groups": groups,
            "booking": booking.booking_at(commune, authority_ids),
        },
    )


def catalogue(request):
    query = request.GET.get("q", "")[:100]
    services = list(published_services(query=query or None))
    groups = [
        (category, [s for s in services if s.category_id == category.pk])
        for category in categories_with_services()
    ]
    return page(
        request,
        "portal/catalogue.html",
        {"title": "Tous les services", "groups": [g for g in groups if g[1]], "query": query},
    )


def service_detail(request, slug, code=None):
    service = service_by_slug(slug)
    if service is None:
        return not_found(request, "Ce service n'existe pas ou n'est plus proposé.")
    context = {
        "title": service.name, "service": service, "commune": None, "offer": None,
        "promise": Promise(promised_days=service.sla_working_days, estimate=None),
        "audience": audience_of(service),
    }  # fmt: skip
    if code is not None:
        commune = commune_by_code(code)
        if commune is None:
            return not_found(request, "Cette commune est inconnue.")
        offer = selectors.offer_of(service, commune)
        context.update(commune=commune, offer=offer)
        if offer.competence.available:
            context["promise"] = promise_of(service, offer.authority.pk)
            context["booking"] = booking.booking_for(service, offer.authority)
    context["address_form"] = AddressForm()
    return page(request, "portal/service.html", context)


def _next_url(commune, service) -> str:
    if service is not None:
        return reverse("portal:service_at", kwargs={"code": commune.code, "slug": service.slug})
    return reverse("portal:commune", kwargs={"code": commune.code})
