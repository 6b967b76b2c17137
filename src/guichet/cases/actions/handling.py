"""Moving a request along: transitions, assignment, hand-off, contacts, links."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from guichet.authorities.models import Authority, Team
from guichet.cases import events
from guichet.cases.actions._common import append, apply_state, lock
from guichet.cases.models import Message, Request
from guichet.cases.routing import point_of, route
from guichet.cases.workflow import (
    ACTION_NEEDED,
    STOPPED,
    IllegalTransition,
    Workflow,
    workflow_for,
)
from guichet.catalogue.models import Channel
from guichet.core.journal import Actor
from guichet.core.models import User


class StaleRequest(IllegalTransition):
    """Someone else changed the request since the agent looked at it."""


def _ensure_fresh(request: Request, expected_state: str | None, workflow: Workflow) -> None:
    if expected_state is not None and request.state != expected_state:
        raise StaleRequest(
            "Cette demande vient d'être modifiée par quelqu'un d'autre : elle est maintenant "
            f"« {workflow.state(request.state).label} ». Rechargez la page."
        )


@transaction.atomic
def change_status(
    *,
    request: Request,
    to: str,
    actor: Actor,
    role: str,
    note: str = "",
    expected_state: str | None = None,
    channel: str = "",
) -> Request:
    """Take the workflow transition to `to` as `role`, under a row lock.

    `expected_state` is the state the agent saw: if another agent moved the request first,
    StaleRequest tells this one. Pauses the deadline clock while waiting for the user and
    recomputes the due date when it resumes. Raises IllegalTransition (French message).

    Asking the person for something (a move into a state where the request waits for them)
    is a message: its comment is written to the conversation both sides read, and the event
    names that message (`message`), so the question shows above the person's reply form.
    """
    request = lock(request)
    workflow = workflow_for(request)
    _ensure_fresh(request, expected_state, workflow)
    if request.duplicate_of_id is not None:
        # its progress is its parent's (cases/actions/duplicates.py)
        raise IllegalTransition(
            "Cette demande est fusionnée dans une autre : elle suit son traitement. "
            "Séparez-la d'abord pour la faire avancer seule."
        )
    transition = workflow.ensure_allowed(request.state, to, role, comment=note)
    source, target = workflow.state(request.state), workflow.state(to)
    apply_state(request, workflow, to)
    asked: dict[str, Any] = {}
    if target.public_status == ACTION_NEEDED and note.strip():
        question = Message.objects.create(
            request=request, author_type=Message.Author.AGENT, author_user=actor.user,
            body=note.strip(), channel=channel,
        )  # fmt: skip
        asked["message"] = question.pk
    append(
        events.STATUS_CHANGED, request, actor, visible=target.visible, channel=channel,
        source=source.name, target=target.name, action=transition.action, note=note.strip(),
        **asked,
    )  # fmt: skip
    return request


@transaction.atomic
def assign(
    *, request: Request, actor: Actor, team: Team | None = None, assignee: User | None = None
) -> Request:
    """Give the request to a team of its authority and/or an agent (None clears the agent)."""
    request = lock(request)
    if team is not None and team.authority_id != request.authority_id:
        raise IllegalTransition(
            "Cette équipe n'appartient pas à la collectivité qui traite la demande."
        )
    request.team = team or request.team
    request.assignee = assignee
    request.save(update_fields=["team", "assignee", "updated_at"])
    append(
        events.ASSIGNED, request, actor, visible=False,
        team=request.team.slug if request.team else "", assignee=assignee.get_username() if assignee else "",
    )  # fmt: skip
    return request


@transaction.atomic
def hand_off(*, request: Request, to_authority: Authority, reason: str, actor: Actor) -> Request:
    """Send the request to another authority (not our competence); it keeps its reference,
    history and person, and the receiving authority's routing picks the team."""
    request = lock(request)
    if not reason.strip():
        raise IllegalTransition("Indiquez le motif du transfert.")
    if to_authority.pk == request.authority_id:
        raise IllegalTransition("La demande est déjà traitée par cette collectivité.")
    if not to_authority.is_active:
        raise IllegalTransition(f"{to_authority.name} n'est pas active sur la plateforme.")
    if workflow_for(request).state(request.state).clock == STOPPED:
        raise IllegalTransition("Une demande terminée ne peut pas être transférée.")
    previous = request.authority
    destination = route(
        service=request.service, commune=request.commune, authority=to_authority,
        person_category=request.person.category, form_data=request.form_data,
        point=point_of(request),
    )  # fmt: skip
    request.authority, request.team, request.assignee = to_authority, destination.team, None
    request.save(update_fields=["authority", "team", "assignee", "updated_at"])
    append(
        events.HANDED_OFF, request, actor, visible=True,
        from_authority=previous.name, from_authority_id=previous.pk,
        to_authority=to_authority.name, to_authority_id=to_authority.pk, reason=reason.strip(),
    )  # fmt: skip
    return request


@transaction.atomic
def record_contact(*, request: Request, channel: str, actor: Actor, note: str = "") -> Request:
    """A person got in touch about this request (a call, a visit, an e-mail asking where it is).

    These are the repeat contacts journey analytics counts as an irritant.
    """
    if channel not in Channel.values:
        raise IllegalTransition(f"Canal inconnu : « {channel} ».")
    append(
        events.CONTACT_RECORDED, request, actor, visible=False, channel=channel, note=note.strip()
    )
    return request


@transaction.atomic
def link_requests(*, request: Request, other: Request, actor: Actor) -> Request:
    """Mark two requests as related. A duplicate is merged instead (`merge_request`)."""
    if other.pk == request.pk:
        raise IllegalTransition("Une demande ne peut pas être liée à elle-même.")
    request = lock(request)
    request.related.add(other)
    append(events.LINKED, request, actor, visible=False, other=other.reference, duplicate=False)
    return request
