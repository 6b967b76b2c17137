"""The actions on one request, each a POST from the request page (then back to it)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from guichet.authorities.access import authority_ids_for
from guichet.authorities.models import Authority, Team
from guichet.backoffice import selectors
from guichet.backoffice.forms import TransitionForm
from guichet.backoffice.views._common import Agent, agent_required
from guichet.backoffice.views.detail import ACTION_FORMS, detail_context, new_form
from guichet.cases import actions
from guichet.cases.access import access_request
from guichet.cases.actions._common import AttachmentError
from guichet.cases.workflow import IllegalTransition

NOT_ALLOWED = "Votre rôle ne vous permet pas cette action sur cette demande."


def _again(http, case, *, bound: dict, error: str = "", status: int = 400):
    """Show the request page again with the posted form and its French errors."""
    return render(
        http, "backoffice/request.html", detail_context(http, case, bound=bound, error=error),
        status=status,
    )  # fmt: skip


def _done(http, case, text: str):
    messages.success(http, text)
    return redirect("backoffice:request", pk=case.pk)


@require_POST
@agent_required
def change_state(http, pk: int):
    case = access_request(http.user, pk)
    agent = Agent(http.user, case)
    form = TransitionForm(http.POST, auto_id=f"id_{http.POST.get('to', '')[:32]}_%s")
    key = f"transition:{http.POST.get('to', '')}"
    if not form.is_valid():
        return _again(http, case, bound={key: form}, error="Le formulaire est incomplet.")
    try:
        actions.change_status(
            request=case, to=form.cleaned_data["to"], actor=agent.actor, role=agent.role,
            note=form.cleaned_data["note"], expected_state=form.cleaned_data["expected_state"],
        )  # fmt: skip
    except actions.StaleRequest as stale:
        case.refresh_from_db()
        return _again(http, case, bound={}, error=str(stale), status=409)
    except IllegalTransition as refused:
        return _again(http, case, bound={key: form}, error=str(refused), status=409)
    return _done(http, case, "L'état de la demande a été mis à jour.")


@require_POST
@agent_required
def act(http, pk: int, action: str):
    """Message, note, assignment, hand-off, contact or link: check, act, come back."""
    case = access_request(http.user, pk)
    agent = Agent(http.user, case)
    _, permission = ACTION_FORMS[action]
    if not agent.can(permission):
        return _again(http, case, bound={}, error=NOT_ALLOWED, status=403)
    form = new_form(case, action, http.POST, http.FILES)
    if not form.is_valid():
        return _again(http, case, bound={action: form}, error="Corrigez les erreurs signalées.")
    try:
        text = HANDLERS[action](case, agent, form.cleaned_data, http.user)
    except AttachmentError as refused:
        form.add_error(None, refused.messages)
        return _again(http, case, bound={action: form}, error=" ".join(refused.messages))
    except IllegalTransition as refused:
        return _again(http, case, bound={action: form}, error=str(refused), status=409)
    case.refresh_from_db(fields=["authority"])
    if case.authority_id not in authority_ids_for(http.user):
        messages.success(http, text)
        return redirect("backoffice:home")
    return _done(http, case, text)


def _message(case, agent, data, user) -> str:
    actions.send_message(
        request=case, actor=agent.actor, body=data["body"], files=data["pieces_jointes"]
    )
    return "Votre message a été envoyé à l'usager."


def _note(case, agent, data, user) -> str:
    actions.add_note(request=case, actor=agent.actor, body=data["body"])
    return "La note interne a été ajoutée."


def _assign(case, agent, data, user) -> str:
    team = Team.objects.get(pk=data["team"])
    assignee = selectors.agents_of(case.authority_id).filter(pk=data["assignee"]).first()
    actions.assign(request=case, actor=agent.actor, team=team, assignee=assignee)
    return "La demande a été attribuée."


def _hand_off(case, agent, data, user) -> str:
    authority = Authority.objects.get(pk=data["authority"])
    actions.hand_off(request=case, to_authority=authority, reason=data["reason"], actor=agent.actor)
    return f"La demande a été transmise à {authority.name}."


def _contact(case, agent, data, user) -> str:
    actions.record_contact(
        request=case, channel=data["channel"], actor=agent.actor, note=data["note"]
    )
    return "La relance de l'usager a été enregistrée."


def _link(case, agent, data, user) -> str:
    other = selectors.request_by_reference(user, data["reference"])
    if other is None:
        raise IllegalTransition(
            f"Aucune demande de vos collectivités ne porte la référence « {data['reference']} »."
        )
    if data["kind"] == "duplicate":  # a duplicate is merged (cases/actions/duplicates.py)
        actions.merge_request(child=case, parent=other, actor=agent.actor)
        return f"La demande a été fusionnée dans {other.reference} (doublon)."
    actions.link_requests(request=case, other=other, actor=agent.actor)
    return f"La demande a été liée à {other.reference}."


HANDLERS = {
    "message": _message,
    "note": _note,
    "assign": _assign,
    "handoff": _hand_off,
    "contact": _contact,
    "link": _link,
}
