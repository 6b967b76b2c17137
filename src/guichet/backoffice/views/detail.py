"""One request as the agent sees it, and its files."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import render

from guichet.backoffice import selectors
from guichet.backoffice.access_log import log_view
from guichet.backoffice.forms import (
    AssignForm,
    ContactForm,
    HandOffForm,
    LinkForm,
    MessageForm,
    NoteForm,
    TransitionForm,
)
from guichet.backoffice.views._common import Agent, agent_required
from guichet.cases import phases
from guichet.cases.access import access_request
from guichet.cases.followers import follower_count, followers_phrase
from guichet.cases.models import Request
from guichet.cases.selectors import conversation, repeat_contacts, timeline
from guichet.cases.workflow import workflow_for
from guichet.catalogue import presentation
from guichet.catalogue.formdef import InvalidFormDefinition
from guichet.catalogue.selectors import form_of_request, service_name_of_request, version_by_id
from guichet.notifications import selectors as notifications
from guichet.triage import selectors as triage

NO_FILE = "Pièce jointe introuvable."

# Each action form: its class, the permission it needs (None: the workflow decides), and
# the prefix of its input ids (several forms share one page).
ACTION_FORMS = {
    "message": (MessageForm, "handle_request"),
    "note": (NoteForm, "view_requests"),
    "assign": (AssignForm, "handle_request"),
    "handoff": (HandOffForm, "hand_off"),
    "contact": (ContactForm, "view_requests"),
    "link": (LinkForm, "handle_request"),
}


@agent_required
def request_detail(request, pk: int):
    try:
        case = access_request(request.user, pk)
    except Http404:
        # Handed off by the agent's authority: say where it went and why, not what followed.
        departure = selectors.departure_of(request.user, pk)
        if departure is None:
            raise
        return render(
            request, "backoffice/request_left.html",
            {"title": f"Demande {departure.reference} transférée", "nav": "queue",
             "departure": departure},
        )  # fmt: skip
    context = detail_context(request, case)
    log_view(
        request.user, person=case.person_id, what=f"demande {case.reference}",
        authority_id=case.authority_id, role=context["role"],
    )  # fmt: skip
    return render(request, "backoffice/request.html", context)


def form_options(case: Request, name: str) -> dict:
    """The choices an action form offers for this request."""
    if name == "assign":
        return {
            "teams": list(selectors.teams_of(case.authority_id).values_list("pk", "name")),
            "agents": [(u.pk, str(u)) for u in selectors.agents_of(case.authority_id)],
        }
    if name == "handoff":
        return {
            "authorities": list(
                selectors.hand_off_targets(case).order_by("name").values_list("pk", "name")
            )
        }
    return {}


def new_form(case: Request, name: str, data=None, files=None):
    form_class, _ = ACTION_FORMS[name]
    initial = {}
    if name == "assign":
        initial = {"team": case.team_id, "assignee": case.assignee_id}
    return form_class(
        data, files, auto_id=f"id_{name}_%s", initial=initial, **form_options(case, name)
    )


def detail_context(http, case: Request, *, bound: dict | None = None, error: str = "") -> dict:
    """Everything the request page shows; `bound` holds the form that was just posted."""
    bound = bound or {}
    agent = Agent(http.user, case)
    workflow = workflow_for(case)
    transitions = []
    # a merged request follows its parent's progress (backoffice/views/duplicates.py)
    movable = agent.role and case.duplicate_of_id is None
    for transition in workflow.allowed(case.state, agent.role) if movable else []:
        form = bound.get(f"transition:{transition.target}") or TransitionForm(
            initial={"to": transition.target, "expected_state": case.state},
            auto_id=f"id_{transition.target}_%s",
        )
        transitions.append((transition, form))
    actions = {
        name: bound.get(name) or new_form(case, name)
        for name, (_, permission) in ACTION_FORMS.items()
        if agent.can(permission)
    }
    attachments = list(case.attachments.all())
    try:
        # the fields and labels of the version the request was filed with (ADR 0027)
        answers = presentation.answers(form_of_request(case), case.form_data, attachments)
    except InvalidFormDefinition:
        answers = [presentation.Answer(name, str(value)) for name, value in case.form_data.items()]
    events = list(timeline(case))
    return {
        "title": f"Demande {case.reference}",
        "nav": "queue",
        "case": case,
        "state_label": workflow.state(case.state).label,
        "phase_label": phases.agent_label(case.public_status),
        "workflow": workflow,
        "role": agent.role,
        "transitions": transitions,
        "actions": actions,
        "answers": answers,
        "service_name": service_name_of_request(case),
        "service_version": version_by_id(case.service_version_id)
        if case.service_version_id
        else None,
        "letters": [a for a in attachments if a.field_name == "courrier"],
        "timeline": events,
        "notifications": list(notifications.messages_about(case)),
        "conversation": list(conversation(case)),
        "questions": phases.question_ids(events),
        "repeat_contacts": repeat_contacts(case),
        "followers": (followers := follower_count(case)),
        "followers_phrase": followers_phrase(followers),
        "linked": selectors.linked_requests(http.user, case),
        "map_data": _map_data(case),
        "triage": triage.panel(case.pk),
        "error": error,
    }


def _map_data(case: Request) -> dict | None:
    boundary = case.commune.boundary if case.commune else None
    point = (
        {"lat": case.latitude, "lon": case.longitude}
        if case.latitude is not None and case.longitude is not None
        else None
    )
    if boundary is None and point is None:
        return None
    return {"boundary": boundary, "point": point}


@agent_required
def attachment_download(request, pk: int):
    """Serve a file only to an agent of the authority handling its request (404 otherwise)."""
    attachment = selectors.attachment_of(pk)
    if attachment is None:
        raise Http404(NO_FILE)
    try:
        case = access_request(request.user, attachment.request_id)
    except Http404:
        raise Http404(NO_FILE) from None
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(NO_FILE) from None
    log_view(
        request.user, person=case.person_id, authority_id=case.authority_id,
        what=f"pièce jointe « {attachment.original_name} » de la demande {case.reference}",
    )  # fmt: skip
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
