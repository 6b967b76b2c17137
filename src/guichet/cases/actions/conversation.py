"""Messages between the person and the agents, and internal notes."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from guichet.cases import events
from guichet.cases.actions._common import (
    AttachmentError,
    append,
    apply_state,
    check_loose_files,
    lock,
    store_files,
)
from guichet.cases.models import Attachment, Message, Request
from guichet.cases.workflow import PAUSED, PERSON, IllegalTransition, workflow_for
from guichet.core.journal import Actor


def _body(text: str) -> str:
    body = (text or "").strip()
    if not body:
        raise IllegalTransition("Le message est vide.")
    if len(body) > 5000:
        raise IllegalTransition("Le message dépasse 5 000 caractères.")
    return body


@transaction.atomic
def send_message(
    *, request: Request, actor: Actor, body: str, files: Any = None, channel: str = ""
) -> Message:
    """An agent writes to the person (shown on the tracking page, notified)."""
    body = _body(body)
    checked = check_loose_files(files)
    request = lock(request)
    message = Message.objects.create(
        request=request,
        author_type=Message.Author.AGENT,
        author_user=actor.user,
        body=body,
        channel=channel,
    )
    store_files(request, checked, message=message)
    append(events.MESSAGE_SENT, request, actor, visible=True, channel=channel, message=message.pk)
    return message


@transaction.atomic
def add_attachments(
    *, request: Request, actor: Actor, files: Any, internal: bool = False, channel: str = ""
) -> list[Attachment]:
    """Files added to the case without a message (a scanned document, a photo taken on site).

    Checked by content before anything is written; internal ones are never shown to the person.
    """
    checked = check_loose_files(files)
    if not checked:
        raise AttachmentError(["Joignez au moins un fichier."])
    request = lock(request)
    stored = store_files(request, checked, internal=internal)
    append(
        events.ATTACHMENTS_ADDED, request, actor, visible=not internal, channel=channel,
        attachments=[a.pk for a in stored], names=[a.original_name for a in stored],
    )  # fmt: skip
    return stored


@transaction.atomic
def add_note(*, request: Request, actor: Actor, body: str, files: Any = None) -> Message:
    """An internal note between agents: never shown to the person."""
    body = _body(body)
    checked = check_loose_files(files)
    request = lock(request)
    message = Message.objects.create(
        request=request,
        author_type=Message.Author.AGENT,
        author_user=actor.user,
        body=body,
        is_internal=True,
    )
    store_files(request, checked, message=message, internal=True)
    append(events.NOTE_ADDED, request, actor, visible=False, message=message.pk)
    return message


@transaction.atomic
def reply_as_person(
    *, request: Request, actor: Actor, body: str, files: Any = None, channel: str = "web"
) -> Message:
    """The person answers. When the request waits for them, their answer restarts the clock
    and gives the request back to the agents (the workflow's person transition)."""
    body = _body(body)
    checked = check_loose_files(files)
    request = lock(request)
    workflow = workflow_for(request)
    state = workflow.state(request.state)
    if state.public_status not in ("ongoing", "action_needed"):
        raise IllegalTransition("Cette demande est terminée : vous ne pouvez plus y répondre.")
    message = Message.objects.create(
        request=request, author_type=Message.Author.PERSON, body=body, channel=channel
    )
    store_files(request, checked, message=message)
    moved_to = ""
    # a request merged into another follows its parent: the reply is kept, the state stays
    if state.clock == PAUSED and request.duplicate_of_id is None:
        resume = next(
            (
                t
                for t in workflow.allowed(request.state, PERSON)
                if workflow.state(t.target).clock != PAUSED
            ),
            None,
        )
        if resume is not None:
            apply_state(request, workflow, resume.target)
            moved_to = resume.target
    append(
        events.PERSON_REPLIED, request, actor, visible=True, channel=channel,
        message=message.pk, source=state.name, target=moved_to or state.name,
    )  # fmt: skip
    return message
