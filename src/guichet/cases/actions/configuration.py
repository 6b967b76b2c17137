"""How requests are handled, as an administrator configures it: routing rules and workflows.

Each function runs in one transaction and appends one journal event.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from guichet.cases.models import Request, RoutingRule
from guichet.cases.workflow import InvalidWorkflowDefinition, Workflow
from guichet.catalogue import versions
from guichet.catalogue.models import WorkflowDefinition
from guichet.core import journal
from guichet.core.journal import Actor

ROUTING_RULE_SAVED = "cases.routing_rule_saved"
ROUTING_RULE_DELETED = "cases.routing_rule_deleted"
WORKFLOW_SAVED = "cases.workflow_definition_saved"


def check_routing_rule(rule: RoutingRule) -> None:
    """French reasons a routing rule cannot be saved, as a ValidationError per field."""
    errors: dict[str, str] = {}
    if rule.team_id and rule.authority_id and rule.team.authority_id != rule.authority_id:
        errors["team"] = "Cette équipe appartient à une autre collectivité."
    if rule.field_value and not rule.field_name:
        errors["field_name"] = "Indiquez le champ du formulaire dont la valeur compte."
    if errors:
        raise ValidationError(errors)


def check_rule_areas(rule: RoutingRule, areas: Iterable[Any]) -> None:
    """A rule names only areas of its own authority."""
    if any(area.authority_id != rule.authority_id for area in areas):
        raise ValidationError({"areas": "Ce secteur appartient à une autre collectivité."})


@transaction.atomic
def save_routing_rule(
    *,
    actor: Actor,
    rule: RoutingRule,
    communes: Iterable[Any] | None = None,
    areas: Iterable[Any] | None = None,
) -> RoutingRule:
    """Save `rule` (new, or with its new values set on it); `communes` replaces its communes,
    `areas` its areas (a request placed in one of them matches)."""
    created = rule.pk is None
    check_routing_rule(rule)
    areas = list(areas) if areas is not None else None
    if areas is not None:
        check_rule_areas(rule, areas)
    rule.full_clean()
    rule.save()
    if communes is not None:
        rule.communes.set(communes)
    if areas is not None:
        rule.areas.set(areas)
    _append(ROUTING_RULE_SAVED, actor, rule, created=created)
    return rule


@transaction.atomic
def delete_routing_rule(*, actor: Actor, rule: RoutingRule) -> None:
    _append(ROUTING_RULE_DELETED, actor, rule)
    rule.delete()


def check_workflow_definition(definition: WorkflowDefinition, document: dict[str, Any]) -> Workflow:
    """The workflow `document` describes, once it is sound and keeps every state in use."""
    try:
        workflow = Workflow.from_definition(definition.slug or "nouveau", document)
    except InvalidWorkflowDefinition as error:
        raise ValidationError(str(error)) from None
    if definition.pk is not None:
        names = {state.name for state in workflow.states}
        in_use = Request.objects.filter(service__workflow=definition).values_list(
            "state", flat=True
        )
        if missing := sorted(set(in_use.distinct()) - names):
            raise ValidationError(
                "Des demandes sont dans les états " + ", ".join(f"« {m} »" for m in missing)
                + " : gardez-les dans le circuit."
            )  # fmt: skip
    return workflow


@transaction.atomic
def save_workflow_definition(
    *, actor: Actor, definition: WorkflowDefinition, name: str, document: dict[str, Any]
) -> WorkflowDefinition:
    """Save a service lifecycle stored as data, after the workflow engine has checked it.

    Each service following it gets a new published version with it (ADR 0027): its new
    requests follow the new lifecycle, those already filed keep their version's.
    """
    created = definition.pk is None
    check_workflow_definition(definition, document)
    definition.name, definition.definition = name, document
    definition.full_clean()
    definition.save()
    published = {}
    if not created:
        services = definition.services.select_related("category", "workflow", "current_version")
        for service in services:
            version = versions.record_current(
                service, by=actor, note=f"Circuit « {name} » modifié.", workflow_changed=True
            )
            if version is not None:
                published[service.slug] = version.number
    journal.append(
        kind=WORKFLOW_SAVED,
        actor=actor,
        subject=definition,
        payload={"slug": definition.slug, "created": created, "versions": published},
    )
    return definition


def _append(kind: str, actor: Actor, rule: RoutingRule, **payload: Any) -> None:
    journal.append(
        kind=kind,
        actor=actor,
        authority_id=rule.authority_id,
        subject=rule,
        payload={"position": rule.position, "team": rule.team_id, **payload},
    )
