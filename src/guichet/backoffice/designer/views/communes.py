"""The communes where a designed service is offered (the service's page, ADR 0035)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from guichet.authorities import service_design
from guichet.backoffice.designer import selectors
from guichet.backoffice.designer.forms import PageForm
from guichet.backoffice.designer.views._common import (
    content_shown,
    designer_required,
    service_page,
)
from guichet.catalogue.versions import DraftError
from guichet.core.journal import Actor
from guichet.core.plurals import ngettext


@designer_required
@require_POST
def communes(request, pk):
    service, authority = selectors.owned_service(request.user, pk)
    typed = [value[:40] for value in request.POST.getlist("communes")]
    try:
        chosen = service_design.choose_communes(
            authority=authority, service=service, by=Actor.agent(request.user), communes=typed
        )
    except DraftError as error:
        draft = selectors.draft_of(service)
        revision = draft.revision if draft else 1
        form = PageForm(initial=PageForm.initial_of(content_shown(service, draft), revision))
        return service_page(
            request, "page.html", service, authority, "page", form=form, draft=draft,
            offer=selectors.offer(service, authority, typed=typed),
            communes_errors=error.errors.get("communes") or error.errors.get("__all__"),
            status=400,
        )  # fmt: skip
    if chosen:
        count = len(chosen)
        messages.success(
            request,
            ngettext(
                "Service proposé dans %(n)s commune.", "Service proposé dans %(n)s communes.", count
            )
            % {"n": count},
        )
    else:
        messages.success(request, "Service proposé dans toutes les communes de la compétence.")
    return redirect("backoffice:designer:page", pk=service.pk)
