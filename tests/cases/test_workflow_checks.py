"""The workflow's publication checks (ADR 0027), pure: every state reachable from the initial
one, a final state reachable from every state, no transition without a role."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from guichet.cases.workflow import (
    AGENT_RANKS,
    CANCELLED,
    DEFAULT_WORKFLOW,
    DONE,
    PERSON,
    SYSTEM,
    State,
    Transition,
    Workflow,
    check_workflow_document,
)

STATUSES = ("ongoing", "action_needed", "done", "cancelled")
ROLES = (*AGENT_RANKS, PERSON, SYSTEM)


@st.composite
def workflows(draw) -> Workflow:
    count = draw(st.integers(min_value=1, max_value=7))
    names = [f"etat_{i}" for i in range(count)]
    states = tuple(
        State(name, f"état {i}", draw(st.sampled_from(STATUSES))) for i, name in enumerate(names)
    )
    pairs = draw(
        st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names)), max_size=count * 3)
    )
    transitions = tuple(
        Transition(source, target, f"Vers {target}", draw(st.sampled_from(ROLES)))
        for source, target in pairs
    )
    return Workflow(name="genere", states=states, transitions=transitions, initial=names[0])


def closure(workflow: Workflow) -> dict[str, set[str]]:
    """Which states each state reaches (itself included), by repeated squaring: computed
    another way than the checks' search."""
    reach = {s.name: {s.name} for s in workflow.states}
    for t in workflow.transitions:
        reach[t.source].add(t.target)
    changed = True
    while changed:
        changed = False
        for targets in reach.values():
            wider = set().union(*(reach[t] for t in targets))
            if wider - targets:
                targets |= wider
                changed = True
    return reach


@settings(max_examples=300, deadline=None)
@given(workflows())
def test_a_workflow_passing_the_checks_has_no_dead_end(workflow):
    problems = workflow.publication_problems()
    reach = closure(workflow)
    finals = {s.name for s in workflow.states if s.public_status in (DONE, CANCELLED)}
    no_dead_end = all(reach[s.name] & finals for s in workflow.states) and all(
        s.name in reach[workflow.initial] for s in workflow.states
    )
    # passing the checks is exactly having no dead end and no unreachable state
    assert (not problems) == no_dead_end
    if not problems:
        for state in workflow.states:
            # a request in any state can still be finished: it is final or can move on
            assert state.name in finals or any(t.source == state.name for t in workflow.transitions)


def test_the_default_lifecycle_passes_its_checks():
    assert DEFAULT_WORKFLOW.publication_problems() == {}


def test_the_problems_name_the_faulty_states_in_french():
    workflow = Workflow(
        name="w",
        states=(
            State("recue", "reçue", "ongoing"),
            State("impasse", "en impasse", "ongoing"),
            State("isolee", "isolée", "done"),
        ),
        transitions=(Transition("recue", "impasse", "Bloquer", "case_handler"),),
        initial="recue",
    )
    problems = workflow.publication_problems()
    assert problems["impasse"] == [
        "Depuis l'état « en impasse », aucun état final (traitée ou annulée) n'est atteignable : "
        "une demande y resterait bloquée."
    ]
    assert problems["recue"][0].startswith("Depuis l'état « reçue »")
    assert problems["isolee"][0].startswith("L'état « isolée » n'est atteignable depuis aucun")


def test_a_document_is_checked_shape_first_then_graph():
    assert check_workflow_document({}) == {}  # the default lifecycle
    assert check_workflow_document({"states": "non"}) == {
        "": ["Circuit mal formé : « states » doit être une liste."]
    }
    assert check_workflow_document(
        {"states": [{"name": "a", "visible": "oui"}, 3], "transitions": [], "extra": 1}
    ) == {
        "": [
            "Circuit mal formé : propriétés inconnues : extra.",
            "Circuit mal formé : état n° 1 : « label » manquant.",
            "Circuit mal formé : état n° 1 : « public_status » manquant.",
            "Circuit mal formé : état n° 1 : « visible » doit être vrai ou faux.",
            "Circuit mal formé : état n° 2 : un objet est attendu.",
        ]
    }
    missing_role = {
        "initial": "a",
        "states": [
            {"name": "a", "label": "a", "public_status": "ongoing"},
            {"name": "b", "label": "b", "public_status": "done"},
        ],
        "transitions": [{"source": "a", "target": "b", "action": "Finir"}],
    }
    assert "n'indique aucun rôle autorisé" in check_workflow_document(missing_role)[""][0]
