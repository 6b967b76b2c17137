"""The generic phases of a request, in the person's words and in the agents': one table.

Every workflow state maps to one of four generic statuses (`workflow.State.public_status`).
Both sides name that phase from this table, then add the state's own label as the detail
(« En cours — reçue »), so the resident and the agent read the same word for the same moment.
Only the phase where the request waits for the person is worded for each side: the person
is asked to act, the agent is told the request waits for them. No database here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from guichet.cases.events import STATUS_CHANGED
from guichet.cases.workflow import (
    ACTION_NEEDED,
    CANCELLED,
    DONE,
    ONGOING,
    IllegalTransition,
    Workflow,
)
from guichet.core.models import Event


@dataclass(frozen=True)
class Phase:
    person: str  # the tracking page, "my requests", e-mails
    agent: str  # the queue, the request page, the person's record


# fmt: off
PHASES = {
    #  generic status   the person reads                    the agent reads
    ONGOING:        Phase("en cours",                       "en cours"),
    ACTION_NEEDED:  Phase("action attendue de votre part",  "en attente de l'usager"),
    DONE:           Phase("traitée",                        "traitée"),
    CANCELLED:      Phase("annulée",                        "annulée"),
}
# fmt: on


def person_label(public_status: str) -> str:
    phase = PHASES.get(public_status)
    return phase.person if phase else public_status


def agent_label(public_status: str) -> str:
    phase = PHASES.get(public_status)
    return phase.agent if phase else public_status


def state_detail(workflow: Workflow, state_name: str, *, for_person: bool) -> str:
    """The state's label as the detail of its phase ("reçue", "en cours de traitement").

    Empty when it would only repeat the phase (in either side's words: the person never reads
    « en attente de l'usager »), and, for the person, when the state is one the workflow keeps
    off their timeline (an internal step such as « qualifiée »).
    """
    try:
        state = workflow.state(state_name)
    except IllegalTransition:
        return ""
    if for_person and not state.visible:
        return ""
    phase = PHASES.get(state.public_status)
    said = {phase.person.casefold(), phase.agent.casefold()} if phase else set()
    return "" if state.label.casefold() in said else state.label


def question_ids(events: Iterable[Event]) -> set[int]:
    """The messages that asked the person for something, from the request's journal events
    (`actions.change_status` names the message it wrote in the event's payload)."""
    found: set[int] = set()
    for event in events:
        message = (event.payload or {}).get("message") if event.kind == STATUS_CHANGED else None
        if isinstance(message, int):
            found.add(message)
    return found
