"""Request lifecycles: the default table, per-service tables stored as data, and the rules.

No database here. A workflow is a list of states and a list of transitions; a reviewer reads the
default one below in one screen. `Workflow.from_definition()` reads the same shape from a
`catalogue.WorkflowDefinition.definition` JSON document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from guichet.core import refcache

if TYPE_CHECKING:
    from guichet.cases.models import Request
    from guichet.catalogue.models import Service, ServiceVersion

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
    # Automatic effect: the person is asked for a satisfaction survey when it is taken (the
    # satisfaction app listens, ADR 0035). Only into a done state: a survey rates a resolution.
    survey: bool = False


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
            if not str(transition.min_role or "").strip():
                problems.append(
                    f"la transition « {transition.action} » depuis « {transition.source} » "
                    "n'indique aucun rôle autorisé"
                )
            elif transition.min_role not in (*AGENT_RANKS, PERSON, SYSTEM):
                problems.append(f"rôle inconnu « {transition.min_role} »")
        if problems:
            raise InvalidWorkflowDefinition(f"Circuit « {self.name} » : " + " ; ".join(problems))

    def publication_problems(self) -> dict[str, list[str]]:
        """What stops this workflow from being published, in French, by state name ("" for
        the workflow as a whole): every state reachable from the initial one, a final state
        (public status done or cancelled) reachable from every state, no transition without a
        role. Nothing here touches the database."""
        problems: dict[str, list[str]] = {}
        names = {state.name for state in self.states}
        for transition in self.transitions:
            if not str(transition.min_role or "").strip():
                problems.setdefault(transition.source, []).append(
                    f"La transition « {transition.action} » vers « {self._label(transition.target)} »"
                    " n'indique aucun rôle autorisé."
                )
        for transition in self.transitions:
            target = next((s for s in self.states if s.name == transition.target), None)
            if transition.survey and target is not None and target.public_status != DONE:
                problems.setdefault(transition.source, []).append(
                    f"La transition « {transition.action} » demande l'avis de l'usager, mais "
                    f"« {target.label} » n'est pas un état « terminée » : l'enquête de "
                    "satisfaction porte sur une demande traitée."
                )
        if self.initial not in names:
            problems.setdefault("", []).append(f"L'état initial « {self.initial} » n'existe pas.")
            return problems
        reachable = self._reachable_from(self.initial)
        finals = {state.name for state in self.states if state.public_status in (DONE, CANCELLED)}
        if not finals:
            problems.setdefault("", []).append(
                "Aucun état final : au moins un état doit correspondre au statut « traitée » "
                "ou « annulée »."
            )
        for state in self.states:
            if state.name not in reachable:
                problems.setdefault(state.name, []).append(
                    f"L'état « {state.label} » n'est atteignable depuis aucun autre : "
                    f"ajoutez une transition qui y mène depuis « {self._label(self.initial)} »."
                )
            if finals and not (self._reachable_from(state.name) & finals):
                problems.setdefault(state.name, []).append(
                    f"Depuis l'état « {state.label} », aucun état final (traitée ou annulée) "
                    "n'est atteignable : une demande y resterait bloquée."
                )
        return problems

    def asks_for_survey(self, source: str, target: str, action: str) -> bool:
        """Whether the move `source` → `target` by the button `action` opens a satisfaction
        survey: the transitions marked so when the workflow marks any (the designer chose);
        otherwise (the default lifecycle, workflows from before) any move from an open state
        to a done one."""
        if any(t.survey for t in self.transitions):
            return any(
                t.survey and t.source == source and t.target == target and t.action == action
                for t in self.transitions
            )
        before, after = self.state(source), self.state(target)
        return before.public_status in (ONGOING, ACTION_NEEDED) and after.public_status == DONE

    def _reachable_from(self, start: str) -> set[str]:
        seen, frontier = {start}, [start]
        while frontier:
            current = frontier.pop()
            for transition in self.transitions:
                if transition.source == current and transition.target not in seen:
                    seen.add(transition.target)
                    frontier.append(transition.target)
        return seen

    def _label(self, name: str) -> str:
        return next((state.label for state in self.states if state.name == name), name)

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


def workflow_for(subject: Service | Request | ServiceVersion) -> Workflow:
    """The workflow to follow: a request's is its service version's (the version it was filed
    with, ADR 0027), a service's its current version's, a version's its own; the service's
    stored definition, or the default lifecycle, for rows without a version."""
    if hasattr(subject, "service_version_id"):  # a request
        version_id = cast("Request", subject).service_version_id
    elif hasattr(subject, "current_version_id"):  # a service
        version_id = cast("Service", subject).current_version_id
    else:  # a version, perhaps a draft: read as it is now
        version = subject
        return workflow_of_document(version.workflow_definition, name=f"version-{version.pk}")
    if version_id is not None:
        # a published version's is cached per process (it never changes); a draft's is read
        # each time (a designer's test request), so that saving a draft drops no cache
        frozen = refcache.get(("workflow_of_version", version_id), lambda: _frozen(version_id))
        return frozen if frozen is not None else _of_version(version_id)[0]
    # a row from before versions: the service's stored definition, or the default
    service = getattr(subject, "service", subject)
    definition = getattr(service, "workflow", None)
    if definition is None:
        return DEFAULT_WORKFLOW
    return Workflow.from_definition(definition.slug, definition.definition)


def workflow_of_document(document: dict[str, Any] | None, *, name: str) -> Workflow:
    """A version's workflow document read (an empty one is the default lifecycle)."""
    if not document:
        return DEFAULT_WORKFLOW
    return Workflow.from_definition(name, document)


def _of_version(version_id: int) -> tuple[Workflow, bool]:
    """The version's workflow, and whether the version is a draft."""
    from guichet.catalogue.models import ServiceVersion

    row = ServiceVersion.objects.filter(pk=version_id).values_list(
        "workflow_definition", "service__slug", "number", "status"
    )
    document, slug, number, status = row.get()
    workflow = workflow_of_document(document, name=f"{slug}-v{number}")
    return workflow, status == ServiceVersion.Status.DRAFT


def _frozen(version_id: int) -> Workflow | None:
    """A published (or retired) version's workflow, to cache; None for a draft's."""
    workflow, is_draft = _of_version(version_id)
    return None if is_draft else workflow


def check_workflow_document(document: dict[str, Any] | None) -> dict[str, list[str]]:
    """The problems stopping a version's workflow document from being published, in French,
    by state name ("" for the whole): its shape first, then `publication_problems`. Registered
    with the catalogue (which may not import this module) in `CasesConfig.ready`."""
    if not document:
        return {}
    if not isinstance(document, dict):
        return {"": ["Le circuit doit être un objet JSON {initial, states, transitions}."]}
    if shape := _shape_problems(document):
        return {"": shape}
    transitions = document.get("transitions")
    if isinstance(transitions, list):  # a missing role is said as such, not as a bad shape
        transitions = [
            {"min_role": ""} | item if isinstance(item, dict) else item for item in transitions
        ]
        document = document | {"transitions": transitions}
    try:
        workflow = Workflow.from_definition("brouillon", document)
    except InvalidWorkflowDefinition as error:
        return {"": [str(error)]}
    return workflow.publication_problems()


_STATE_KEYS = {"name": str, "label": str, "public_status": str, "visible": bool, "clock": str}
_TRANSITION_KEYS = {
    "source": str, "target": str, "action": str, "min_role": str, "comment_required": bool,
    "survey": bool,
}  # fmt: skip


def _shape_problems(document: dict[str, Any]) -> list[str]:
    """The document's shape, in French, before it is read (names the item and the key)."""
    problems = []
    if unknown := sorted(set(document) - {"initial", "states", "transitions"}):
        problems.append(f"propriétés inconnues : {', '.join(map(str, unknown))}")
    if not isinstance(document.get("initial", ""), str):
        problems.append("l'état initial doit être un nom d'état")
    for key, noun, fields in (
        ("states", "état", _STATE_KEYS),
        ("transitions", "transition", _TRANSITION_KEYS),
    ):
        items = document.get(key, [])
        if not isinstance(items, list):
            problems.append(f"« {key} » doit être une liste")
            continue
        for index, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                problems.append(f"{noun} n° {index} : un objet est attendu")
                continue
            if unknown := sorted(set(item) - set(fields)):
                problems.append(f"{noun} n° {index} : propriétés inconnues : {', '.join(unknown)}")
            required = ("name", "label", "public_status") if key == "states" else (
                "source", "target", "action"
            )  # fmt: skip
            for name in required:
                if name not in item:
                    problems.append(f"{noun} n° {index} : « {name} » manquant")
            for name, kind in fields.items():
                if name in item and not isinstance(item[name], kind):
                    wanted = "vrai ou faux" if kind is bool else "texte"
                    problems.append(f"{noun} n° {index} : « {name} » doit être {wanted}")
    if isinstance(document.get("states"), list) and not document["states"]:
        problems.append("au moins un état est nécessaire")
    return [f"Circuit mal formé : {p}." for p in problems[:20]]


def expand_workflow_document(document: dict[str, Any] | None) -> dict[str, Any]:
    """The document with the default lifecycle spelled out when it is empty (for diffs)."""
    return document if document else DEFAULT_WORKFLOW.as_definition()
