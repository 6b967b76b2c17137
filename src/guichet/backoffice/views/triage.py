"""The one-click confirmation of the triage's suggestions on the request page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from guichet.backoffice.views._common import Agent, agent_required
from guichet.cases.access import access_request
from guichet.triage import actions
from guichet.triage.models import Suggestion


@require_POST
@agent_required
def decide(http, pk: int):
    case = access_request(http.user, pk)
    agent = Agent(http.user, case)
    suggestion = Suggestion.objects.filter(request=case).first()
    if suggestion is None:
        raise Http404("Aucune suggestion pour cette demande.")
    if not agent.can("handle_request"):
        messages.error(http, "Votre rôle ne vous permet pas cette action sur cette demande.")
        return redirect("backoffice:request", pk=case.pk)
    try:
        actions.decide(
            suggestion=suggestion, service_slug=str(http.POST.get("service", ""))[:100],
            actor=agent.actor,
        )  # fmt: skip
    except actions.TriageError as refused:
        messages.error(http, str(refused))
    else:
        messages.success(
            http,
            "La demande relève du service retenu ; ce choix servira au prochain apprentissage.",
        )
    return redirect("backoffice:request", pk=case.pk)
