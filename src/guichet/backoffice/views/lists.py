"""Managers' lists: requests overdue 1× and 3× their promise, and the routing rules."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from guichet.backoffice import selectors
from guichet.backoffice.views._common import agent_required, forbidden
from guichet.cases.promises import promises_missed

FACTORS = {"1": 1.0, "3": 3.0}
MANAGERS_ONLY = "Cette liste est réservée aux responsables et administrateurs de la collectivité."


@agent_required
def overdue(request):
    authorities = selectors.authorities_where(request.user, "view_dashboards")
    if not authorities:
        return forbidden(request, MANAGERS_ONLY)
    key = request.GET.get("facteur") if request.GET.get("facteur") in FACTORS else "1"
    rows = selectors.overdue_requests(authorities, at_least=FACTORS[key], now=timezone.now())
    return render(
        request,
        "backoffice/overdue.html",
        {"title": "Demandes en retard", "nav": "overdue", "rows": rows, "factor": key,
         "authorities": authorities,
         "missed_promises": promises_missed(a.pk for a in authorities)},
    )  # fmt: skip


@agent_required
def routing(request):
    authorities = selectors.authorities_where(request.user, "manage_routing")
    if not authorities:
        return forbidden(request, MANAGERS_ONLY)
    return render(
        request,
        "backoffice/routing.html",
        {
            "title": "Règles d'orientation",
            "nav": "routing",
            "sections": [(a, selectors.routing_rules_of(a)) for a in authorities],
            "admin_url": _admin_url(),
        },
    )


def _admin_url() -> str | None:
    # The admin page for routing rules is registered by the cases app; without it, no link.
    try:
        return reverse("admin:cases_routingrule_changelist")
    except NoReverseMatch:
        return None
