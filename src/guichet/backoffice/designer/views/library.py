"""The platform's library of shared services (issue 15, mutualisation): authorities publish a
designed service's published version there, others take a copy of it as a draft of their own
(through the import path)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from guichet.authorities import service_design
from guichet.authorities.models import SharedService
from guichet.backoffice.designer import selectors
from guichet.backoffice.designer.views._common import designer_required
from guichet.backoffice.designer.views.services import _authority
from guichet.catalogue import interchange
from guichet.core.journal import Actor


def _page(request, *, problems: list[str] | None = None, status: int = 200):
    authorities = selectors.designer_authorities(request.user)
    shared = list(SharedService.objects.select_related("authority", "version", "version__service"))
    in_library = {entry.version_id for entry in shared}
    shareable = [
        row
        for row in selectors.owned_services(authorities)
        if row.published is not None and row.published.pk not in in_library
    ]
    return render(
        request,
        "backoffice/designer/library.html",
        {"title": "Bibliothèque des services partagés", "nav": "designer",
         "shared": shared, "shareable": shareable, "authorities": authorities,
         "authority": _authority(request, authorities), "problems": problems or []},
        status=status,
    )  # fmt: skip


@designer_required
@require_GET
def library(request):
    return _page(request)


@designer_required
@require_POST
def share(request):
    """« Publier dans la bibliothèque »: the current published version of a designed service."""
    pk = request.POST.get("service", "")
    service, authority = selectors.owned_service(request.user, int(pk) if pk.isdigit() else 0)
    try:
        shared = service_design.share_in_library(
            authority=authority, service=service, by=Actor.agent(request.user)
        )
    except service_design.LibraryError as refusal:
        return _page(request, problems=refusal.errors["__all__"], status=400)
    messages.success(
        request,
        f"« {service.name} » (version {shared.version.number}) est dans la bibliothèque.",
    )
    return redirect("backoffice:designer:library")


@designer_required
@require_POST
def reuse(request, shared: int):
    """« Reprendre ce service »: a copy as a draft of the agent's authority."""
    found = get_object_or_404(SharedService.objects.select_related("version__service"), pk=shared)
    authority = _authority(request, selectors.designer_authorities(request.user))
    try:
        draft = service_design.reuse_shared(
            shared=found, authority=authority, by=Actor.agent(request.user)
        )
    except interchange.InterchangeError as error:
        return _page(request, problems=list(error.errors), status=400)
    messages.success(request, f"« {draft.service.name} » repris comme brouillon.")
    return redirect("backoffice:designer:page", pk=draft.service_id)
