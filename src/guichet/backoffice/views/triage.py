"""The one-click confirmation of the triage's suggestions on the request page, and the move
of a request to another service (« Changer de service », ADR 0028)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from guichet.authorities.access import authority_ids_for
from guichet.backoffice.views._common import Agent, agent_required
from guichet.cases import actions as cases
from guichet.cases.access import access_request
from guichet.catalogue.selectors import service_by_slug
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
        case.refresh_from_db()
        if case.authority_id not in authority_ids_for(http.user):  # now another authority's
            return redirect("backoffice:home")
    return redirect("backoffice:request", pk=case.pk)


@require_POST
@agent_required
def requalify(http, pk: int):
    """Move the request to the service the agent chose. A request the triage suggested for
    goes through its decision (feedback for the next training), any other straight to
    `cases.actions.requalify`."""
    case = access_request(http.user, pk)
    agent = Agent(http.user, case)
    if not agent.can("handle_request"):
        messages.error(http, "Votre rôle ne vous permet pas cette action sur cette demande.")
        return redirect("backoffice:request", pk=case.pk)
    slug = str(http.POST.get("service", ""))[:100]
    reason = str(http.POST.get("reason", ""))[:500]
    service = service_by_slug(slug)
    if service is None:
        messages.error(http, "Choisissez un service publié.")
        return redirect("backoffice:request", pk=case.pk)
    suggestion = Suggestion.objects.select_related("model").filter(request=case).first()
    try:
        if suggestion is not None and actions.may_decide(suggestion, slug):
            actions.decide(suggestion=suggestion, service_slug=slug, actor=agent.actor)
        else:
            cases.requalify(request=case, service=service, actor=agent.actor, reason=reason)
    except (actions.TriageError, cases.RequalifyError) as refused:
        messages.error(http, str(refused))
        return redirect("backoffice:request", pk=case.pk)
    case.refresh_from_db()
    messages.success(
        http, f"La demande relève maintenant du service « {service.name} » ({case.authority.name})."
    )
    if case.authority_id not in authority_ids_for(http.user):  # handed to another authority
        return redirect("backoffice:home")
    return redirect("backoffice:request", pk=case.pk)
