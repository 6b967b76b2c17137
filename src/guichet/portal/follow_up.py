"""What the tracking page shows beside the history: the phase, the questions, the outcome.

Read from what the page already fetched (the person's timeline, their conversation) plus, once
the request is finished, one query for its open survey.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from guichet.cases import phases
from guichet.cases.models import Message, Request
from guichet.cases.workflow import ACTION_NEEDED, CANCELLED, DONE, ONGOING, workflow_for
from guichet.core import clock
from guichet.portal.selectors import TimelineEntry
from guichet.satisfaction.links import survey_path
from guichet.satisfaction.models import Survey


@dataclass(frozen=True)
class Phase:
    label: str  # the generic phase, the same word the agents read (cases.phases)
    detail: str  # the step, e.g. « reçue », « en cours de traitement » ("" when it repeats)


@dataclass(frozen=True)
class Outcome:
    """How a finished request ended, in the person's words, and where to give their opinion."""

    public_status: str
    occurred_at: datetime
    note: str  # the agent's answer or reason, "" when none was written
    survey_path: str  # "" when there is no survey left to answer


def phase_of(request: Request) -> Phase:
    workflow = workflow_for(request)
    return Phase(
        phases.person_label(request.public_status),
        phases.state_detail(workflow, request.state, for_person=True),
    )


def mark_questions(
    request: Request, conversation: list[Message], entries: list[TimelineEntry]
) -> list[Message]:
    """Flag the messages that asked the person for something (`is_question`), and the one they
    are asked to answer now (`is_open_question`: the last question, when the request waits for
    them and nothing of theirs came after it)."""
    asked = {entry.message_id for entry in entries if entry.message_id is not None}
    for message in conversation:
        message.is_question = message.pk in asked
        message.is_open_question = False
    if request.public_status == ACTION_NEEDED:
        for message in reversed(conversation):
            if message.author_type == Message.Author.PERSON:
                break
            if message.is_question:
                message.is_open_question = True
                break
    return conversation


def outcome_of(request: Request, entries: list[TimelineEntry]) -> Outcome | None:
    """The last finishing move (treated, rejected, cancelled) since the request was last open,
    with its comment; None while the request is open."""
    if request.public_status not in (DONE, CANCELLED):
        return None
    found: TimelineEntry | None = None
    for entry in entries:
        if entry.public_status in (ONGOING, ACTION_NEEDED):
            found = None
        elif entry.public_status in (DONE, CANCELLED) and (found is None or entry.note):
            found = entry  # closing after the answer, without a comment, keeps the answer
    if found is None:
        return None
    return Outcome(
        public_status=request.public_status,
        occurred_at=found.occurred_at,
        note=found.note,
        survey_path=open_survey_path(request) if request.public_status == DONE else "",
    )


def open_survey_path(request: Request) -> str:
    """The link to this resolution's survey while it can be answered, else "".

    The same link the closure e-mail carries (its token is masked in the access log, ADR 0012);
    the tracking page is private (`no-store`), reached with the tracking key or a session.
    """
    if request.resolved_at is None:
        return ""
    token = (
        Survey.objects.filter(
            request=request,
            opened_at__gte=request.resolved_at,
            expires_at__gt=clock.now(),
            answer__isnull=True,
        )
        .values_list("token", flat=True)
        .first()
    )
    return survey_path(token) if token else ""
