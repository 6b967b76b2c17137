"""Request lifecycles: the default table, per-service tables stored as data, and the rules.

No database here. A workflow is a list of states and a list of transitions; a reviewer reads the
default one below in one screen. `Workflow.from_definition()` reads the same shape from a
`catalogue.WorkflowDefinition.definition` JSON document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from guichet.catalogue.models import Service

# Who may take a transition. Agent roles are ranked (a manager may do what a case handler may);
# the person and the system are not ranked.
PERSON = "person"
SYSTEM = "system"
AGENT_RANKS = {"front_desk": 1, "case_handler": 2, "manager": 3, "administrator": 4}

# Generic statuses (see models.PublicStatus) and clock behaviour of each state.
ONGOING, ACTION_NEEDED, DONE, CANCELLED = "ongoing", "action_needed", "done", "cancelled"
RUNNING, PAUSED, STOPPED = "running", "paused", "stopped"


@dataclass(frozen=True)
class State:
    name: str
    label: str  # shown to agents
    public_status: str  # the generic vocabulary shown to the person
    visible: bool = True  # is the move into this state shown on the person's timeline?
    clock: str = RUNNING  # the deadline clock: running, paused (waiting for the user), stopped


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    action: str  # the button label
    min_role: str  # an agent role (ranked), or PERSON, or SYSTEM
    comment_required: bool = False


# fmt: off
DEFAULT_STATES = (
    #     name            label agents               public status  visible clock
    State("received",     "reçue",                   ONGOING,       True,   RUNNING),
    State("qualified",    "qualifiée",               ONGOING,       False,  RUNNING),
    State("in_progress",  "en cours de traitement",  ONGOING,       True,   RUNNING),
    State("waiting_user", "en attente de l'usager",  ACTION_NEEDED, True,   PAUSED),
    State("resolved",     "traitée",                 DONE,          True,   STOPPED),
    State("rejected",     "rejetée",                 DONE,          True,   STOPPED),
    State("cancelled",    "annulée",                 CANCELLED,     True,   STOPPED),
    State("closed",       "clôturée",                DONE,          False,  STOPPED),
)

DEFAULT_TRANSITIONS = (
    #          from            to              button                       who            comment
    Transition("received",     "qualified",    "Qualifier",                 "front_desk"),
    Transition("received",     "in_progress",  "Prendre en charge",         "case_handler"),
    Transition("qualified",    "in_progress",  "Prendre en charge",         "case_handler"),
    Transition("in_progress",  "waiting_user", "Demander un complément",    "case_handler", True),
    Transition("waiting_user", "in_progress",  "Reprendre le traitement",   "case_handler"),
    Transition("waiting_user", "in_progress",  "Répondre",                  PERSON,         True),
    Transition("in_progress",  "resolved",     "Marquer comme traitée",     "case_handler", True),
    Transition("received",     "rejected",     "Rejeter",                   "case_handler", True),
    Transition("qualified",    "rejected",     "Rejeter",                   "case_handler", True),
    Transition("in_progress",  "rejected",     "Rejeter",                   "case_handler", True),
    Transition("waiting_user", "cancelled",    "Classer sans suite",        "case_handler", True),
    Transition("received",     "cancelled",    "Annuler ma demande",        PERSON),
    Transition("qualified",    "cancelled",    "Annuler ma demande",        PERSON),
    Transition("waiting_user", "cancelled",    "Annuler ma demande",        PERSON),
    Transition("resolved",     "in_progress",  "Rouvrir",                   "case_handler", True),
    Transition("resolved",     "in_progress",  "Ce n'est pas résolu",       PERSON,         True),
    Transition("resolved",     "closed",       "Clôturer",                  "case_handler"),
    Transition("resolved",     "closed",       "Clôturer",                  SYSTEM),
    Transition("rejected",     "closed",       "Clôturer",                  "case_handler"),
    Transition("cancelled",    "closed",       "Clôturer",                  SYSTEM),
    Transition("closed",       "in_progress",  "Rouvrir",                   "manager",      True),
)
# fmt: on


class IllegalTransition(Exception):
    """A move the workflow does not allow, with a French message for the person or agent."""


class InvalidWorkflowDefinition(ValueError):
    pass


@dataclass(frozen=True)
class Workflow:
    name: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    initial: str = "received"

    def state(self, name: str) -> State:
        for state in self.states:
            if state.name == name:
                return state
        raise IllegalTransition(f"État inconnu : « {name} ».")

    def allowed(self, source: str, role: str) -> list[Transition]:
        """The transitions `role` may take from `source`, one per target (the first listed)."""
        seen: dict[str, Transition] = {}
        for transition in self.transitions:
            if transition.source == source and may_act(role, transition.min_role):
                seen.setdefault(transition.target, transition)
        return list(seen.values())

    def ensure_allowed(
        self, source: str, target: str, role: str, *, comment: str = ""
    ) -> Transition:
        """Return the transition from `source` to `target` for `role`, or raise IllegalTransition."""
        source_state, target_state = self.state(source), self.state(target)
        candidates = [t for t in self.transitions if t.source == source and t.target == target]
        if not candidates:
            raise IllegalTransition(
                f"Impossible de passer de « {source_state.label} » à « {target_state.label} »."
            )
        permitted = [t for t in candidates if may_act(role, t.min_role)]
        if not permitted:
            raise IllegalTransition(
                f"Votre rôle ne permet pas de passer de « {source_state.label} » "
                f"à « {target_state.label} »."
            )
        transition = permitted[0]
        if transition.comment_required and not comment.strip():
            raise IllegalTransition(f"Un commentaire est obligatoire pour « {transition.action} ».")
        return transition

    @classmethod
    def from_definition(cls, name: str, document: dict[str, Any]) -> Workflow:
        """Read a workflow stored as data; raise InvalidWorkflowDefinition with the reason."""
        try:
            states = tuple(State(**item) for item in document["states"])
            transitions = tuple(Transition(**item) for item in document["transitions"])
            initial = document.get("initial", states[0].name)
        except (KeyError, TypeError, IndexError) as error:
            raise InvalidWorkflowDefinition(f"Circuit « {name} » mal formé : {error}") from error
        workflow = cls(name=name, states=states, transitions=transitions, initial=initial)
        workflow.validate()
        return workflow

    def validate(self) -> None:
        names = [state.name for state in self.states]
        problems = []
        if len(set(names)) != len(names):
            problems.append("deux états portent le même nom")
        if self.initial not in names:
            problems.append(f"l'état initial « {self.initial} » n'existe pas")
        for state in self.states:
            if state.public_status not in (ONGOING, ACTION_NEEDED, DONE, CANCELLED):
                problems.append(f"statut public inconnu pour « {state.name} »")
            if state.clock not in (RUNNING, PAUSED, STOPPED):
                problems.append(f"horloge inconnue pour « {state.name} »")
        for transition in self.transitions:
            if transition.source not in names or transition.target not in names:
                problems.append(f"transition vers ou depuis un état inconnu : {transition.action}")
            if transition.min_role not in (*AGENT_RANKS, PERSON, SYSTEM):
                problems.append(f"rôle inconnu « {transition.min_role} »")
        if problems:
            raise InvalidWorkflowDefinition(f"Circuit « {self.name} » : " + " ; ".join(problems))

    def as_definition(self) -> dict[str, Any]:
        return {
            "initial": self.initial,
            "states": [state.__dict__ for state in self.states],
            "transitions": [transition.__dict__ for transition in self.transitions],
        }


def may_act(role: str, min_role: str) -> bool:
    """Whether `role` may take a transition reserved to `min_role` (agents are ranked)."""
    if min_role in (PERSON, SYSTEM) or role in (PERSON, SYSTEM):
        return role == min_role
    return AGENT_RANKS.get(role, 0) >= AGENT_RANKS[min_role]


DEFAULT_WORKFLOW = Workflow(name="default", states=DEFAULT_STATES, transitions=DEFAULT_TRANSITIONS)


def workflow_for(service: Service) -> Workflow:
    """The workflow a service follows: its own definition, or the default lifecycle."""
    definition = getattr(service, "workflow", None)
    if definition is None:
        return DEFAULT_WORKFLOW
    return Workflow.from_definition(definition.slug, definition.definition)
