"""The register of processing (*registre des traitements*) for managers and administrators:
readable tables, a CSV download in both forms (`core.csvexport`), a print stylesheet for PDF."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from guichet.backoffice import selectors
from guichet.backoffice.views._common import agent_required, forbidden
from guichet.core.csvexport import csv_response
from guichet.people.rights.register import HEADER, build_register, csv_rows

MANAGERS_ONLY = (
    "Le registre des traitements est réservé aux responsables et administrateurs des collectivités."
)


@agent_required
@require_safe
def register_page(request):
    if not selectors.authorities_where(request.user, "view_dashboards"):
        return forbidden(request, MANAGERS_ONLY)
    register = build_register()
    if request.GET.get("format") == "csv":
        stamp = register.generated_at.strftime("%Y-%m-%d")
        return csv_response(
            request, f"registre-des-traitements-{stamp}", HEADER, csv_rows(register)
        )
    return render(
        request,
        "backoffice/register.html",
        {"title": "Registre des traitements", "nav": "register", "register": register},
    )
