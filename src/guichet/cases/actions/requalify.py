"""Changing a request's service (requalification): an agent, or the triage above its threshold,
says which service a request really belongs to (ADR 0028)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from guichet.cases import events
from guichet.cases.actions._common import append, apply_state, lock
from guichet.cases.models import Request
from guichet.cases.routing import NotRoutable, Route, point_of, route
from guichet.cases.workflow import STOPPED, IllegalTransition, workflow_for
from guichet.catalogue.models import Service
from guichet.core.journal import Actor


class RequalifyError(IllegalTransition):
    """The request cannot move to that service (French message)."""


@transaction.atomic
def requalify(
    *,
    request: Request,
    service: Service,
    actor: Actor,
    reason: str = "",
    automatic: bool = False,
    score: float | None = None,
    details: dict[str, Any] | None = None,
) -> Request:
    """Move `request` to `service`: routed again as a filing is (competence map where the
    request is, then the authority's routing rules), put in the initial state of the service's
    current published version's workflow, its deadline recomputed from `received_at` with the
    new promise. The answers keep following the form they were written with
    (`answered_version`). `automatic`/`score`: the triage routed it above its threshold;
    `details` joins the event's payload (the triage's suggestion an agent confirmed).

    Raises RequalifyError (French) for a finished or test request, the same service, or a
    service not offered where the request is; nothing is written then.
    """
    request = lock(request)
    if request.is_test:
        raise RequalifyError("Une demande de test ne change pas de service.")
    if request.service_id == service.pk:
        raise RequalifyError("La demande relève déjà de ce service.")
    left = workflow_for(request).state(request.state)
    if left.clock == STOPPED:
        raise RequalifyError("Une demande terminée ne peut pas changer de service.")
    if not service.is_active or not service.accepts_requests or service.current_version_id is None:
        raise RequalifyError(f"Le service « {service.name} » ne reçoit pas de demandes.")
    destination = _destination(request, service)
    previous_service, previous_authority = request.service, request.authority
    previous_version_id = request.service_version_id
    if request.answered_version_id is None and previous_version_id is not None:
        request.answered_version_id = previous_version_id
    request.service, request.service_version_id = service, service.current_version_id
    if destination.authority.pk != request.authority_id or destination.team != request.team:
        request.assignee = None
    request.authority, request.team = destination.authority, destination.team
    workflow = workflow_for(request)
    # the new workflow's first state, the old one left: a wait for the person ends with it
    apply_state(request, workflow, workflow.initial, source=left)
    payload: dict[str, Any] = {
        "from_service": previous_service.slug, "to_service": service.slug,
        "from_service_name": previous_service.name, "to_service_name": service.name,
        "from_authority_id": previous_authority.pk, "to_authority_id": destination.authority.pk,
        "from_authority": previous_authority.name, "to_authority": destination.authority.name,
        "team": destination.team.slug if destination.team else "",
        "rule": destination.rule.pk if destination.rule else None,
        "automatic": automatic, "reason": reason.strip()[:500],
    }  # fmt: skip
    if score is not None:
        payload["score"] = round(float(score), 4)
    payload.update(details or {})
    append(events.REQUALIFIED, request, actor, visible=True, **payload)
    return request


def _destination(request: Request, service: Service) -> Route:
    """Where `service` is handled for this request: the competence map at its commune; an
    authority-addressed request without a commune (an e-mail, an SMS) stays with its authority,
    whose routing rules pick the team."""
    try:
        return route(
            service=service, commune=request.commune, person_category=request.person.category,
            form_data=request.form_data or {}, point=point_of(request),
            authority=request.authority if request.commune is None else None,
        )  # fmt: skip
    except NotRoutable as refusal:
        raise RequalifyError(
            f"Le service « {service.name} » n'est pas proposé là où se trouve la demande : "
            f"{refusal}"
        ) from refusal
