"""The request lifecycle: the default table, per-service workflows stored as data, random walks."""

from __future__ import annotations

import itertools

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guichet.cases import actions
from guichet.cases.workflow import (
    DEFAULT_WORKFLOW,
    IllegalTransition,
    InvalidWorkflowDefinition,
    Workflow,
    workflow_for,
)
from guichet.catalogue.actions import save_service
from guichet.catalogue.models import WorkflowDefinition
from guichet.core.journal import Actor

from .factories import SYSTEM, actor_for, file_request, service

STATES = [
    "received", "qualified", "in_progress", "waiting_user",
    "resolved", "rejected", "cancelled", "closed",
]  # fmt: skip
AGENT_ROLES = ["front_desk", "case_handler", "manager", "administrator"]
ROLES = [*AGENT_ROLES, "person", "system"]

# The expected lifecycle, written out independently of workflow.py:
# (source, target) → the least roles that may take it (agent roles are ranked).
EXPECTED = {
    ("received", "qualified"): {"front_desk"},
    ("received", "in_progress"): {"case_handler"},
    ("qualified", "in_progress"): {"case_handler"},
    ("in_progress", "waiting_user"): {"case_handler"},
    ("waiting_user", "in_progress"): {"case_handler", "person"},
    ("in_progress", "resolved"): {"case_handler"},
    ("received", "rejected"): {"case_handler"},
    ("qualified", "rejected"): {"case_handler"},
    ("in_progress", "rejected"): {"case_handler"},
    ("waiting_user", "cancelled"): {"case_handler", "person"},
    ("received", "cancelled"): {"person"},
    ("qualified", "cancelled"): {"person"},
    ("resolved", "in_progress"): {"case_handler", "person"},
    ("resolved", "closed"): {"case_handler", "system"},
    ("rejected", "closed"): {"case_handler"},
    ("cancelled", "closed"): {"system"},
    ("closed", "in_progress"): {"manager"},
}
# Transitions that need a comment, for the role that takes them.
COMMENTED = {
    ("in_progress", "waiting_user", "case_handler"),
    ("waiting_user", "in_progress", "person"),
    ("in_progress", "resolved", "case_handler"),
    ("received", "rejected", "case_handler"),
    ("qualified", "rejected", "case_handler"),
    ("in_progress", "rejected", "case_handler"),
    ("waiting_user", "cancelled", "case_handler"),
    ("resolved", "in_progress", "case_handler"),
    ("resolved", "in_progress", "person"),
    ("closed", "in_progress", "manager"),
}
PUBLIC_STATUS = {
    "received": "ongoing", "qualified": "ongoing", "in_progress": "ongoing",
    "waiting_user": "action_needed", "resolved": "done", "rejected": "done",
    "cancelled": "cancelled", "closed": "done",
}  # fmt: skip


def rank(role: str) -> int:
    return AGENT_ROLES.index(role) if role in AGENT_ROLES else -1


def least_role(source: str, target: str, role: str) -> str | None:
    """The entry of EXPECTED that lets `role` take the move, or None."""
    for minimum in sorted(EXPECTED.get((source, target), ()), key=rank, reverse=True):
        if minimum in AGENT_ROLES and role in AGENT_ROLES and rank(role) >= rank(minimum):
            return minimum
        if minimum == role:
            return minimum
    return None


TRIPLES = list(itertools.product(STATES, STATES, ROLES))


@pytest.mark.parametrize(("source", "target", "role"), TRIPLES)
def test_default_workflow_allows_exactly_the_expected_moves(source, target, role):
    # given a move in the default lifecycle, with a comment
    minimum = least_role(source, target, role)
    # when the role tries it
    # then it passes when the table says so, and is refused in French otherwise
    if minimum is not None:
        transition = DEFAULT_WORKFLOW.ensure_allowed(source, target, role, comment="Motif.")
        assert (transition.source, transition.target) == (source, target)
    else:
        with pytest.raises(IllegalTransition) as refusal:
            DEFAULT_WORKFLOW.ensure_allowed(source, target, role, comment="Motif.")
        message = str(refusal.value)
        assert message.startswith(("Impossible de passer de « ", "Votre rôle ne permet pas"))
        assert DEFAULT_WORKFLOW.state(target).label in message


@pytest.mark.parametrize(("source", "target", "role"), TRIPLES)
def test_allowed_lists_the_targets_the_role_may_reach(source, target, role):
    # given a state and a role
    # when the workflow lists the moves offered to that role
    offered = {t.target for t in DEFAULT_WORKFLOW.allowed(source, role)}
    # then the target is offered exactly when the move is legal
    assert (target in offered) == (least_role(source, target, role) is not None)


@pytest.mark.parametrize(
    ("source", "target", "role"),
    sorted({(s, t, r) for s, t, r in TRIPLES if (s, t, r) in COMMENTED or (
        least_role(s, t, r) is not None and (s, t, least_role(s, t, r)) in COMMENTED
    )}),
)  # fmt: skip
def test_commented_transitions_are_refused_without_a_comment(source, target, role):
    # given a legal move that needs a comment
    # when it is taken with a blank comment
    # then it is refused and the message asks for a comment
    with pytest.raises(IllegalTransition, match="Un commentaire est obligatoire"):
        DEFAULT_WORKFLOW.ensure_allowed(source, target, role, comment="   ")


@pytest.mark.parametrize(
    ("source", "target", "role"),
    [
        t
        for t in TRIPLES
        if least_role(*t) is not None and (t[0], t[1], least_role(*t)) not in COMMENTED
    ],
)
def test_uncommented_transitions_pass_without_a_comment(source, target, role):
    # given a legal move that needs no comment
    # when it is taken without one
    transition = DEFAULT_WORKFLOW.ensure_allowed(source, target, role)
    # then it passes
    assert not transition.comment_required


@pytest.mark.parametrize("state", STATES)
def test_each_state_maps_to_its_generic_public_status(state):
    assert DEFAULT_WORKFLOW.state(state).public_status == PUBLIC_STATUS[state]


# --- per-service workflows stored as data ----------------------------------------------------

TWO_STEP = {
    "initial": "nouvelle",
    "states": [
        {"name": "nouvelle", "label": "nouvelle", "public_status": "ongoing"},
        {"name": "validee", "label": "validée", "public_status": "done", "clock": "stopped"},
    ],
    "transitions": [
        {"source": "nouvelle", "target": "validee", "action": "Valider", "min_role": "manager"},
    ],
}


def test_a_service_follows_the_workflow_stored_for_it(world):
    # given a service whose lifecycle is a two-step workflow stored as data
    definition = WorkflowDefinition.objects.create(
        slug="deux-etapes", name="Deux étapes", definition=TWO_STEP
    )
    voirie = save_service(service=service("signalement-voirie"), actor=SYSTEM, workflow=definition)
    # (published as the service's new version, whose workflow it is: ADR 0027)
    assert [s.name for s in workflow_for(voirie).states] == ["nouvelle", "validee"]
    # when a request is filed and a case handler then a manager try to validate it
    request = file_request(world)
    with pytest.raises(IllegalTransition, match="Votre rôle ne permet pas"):
        actions.change_status(
            request=request, to="validee", actor=Actor.agent(world.agent_sceaux),
            role="case_handler",
        )  # fmt: skip
    request = actions.change_status(
        request=request, to="validee", actor=Actor.agent(world.manager_sceaux), role="manager"
    )
    # then the request started in the stored initial state and moved by the stored table
    assert request.state == "validee"
    assert request.public_status == "done"
    assert request.resolved_at is not None
    with pytest.raises(IllegalTransition):
        actions.change_status(
            request=request, to="in_progress", actor=Actor.agent(world.manager_sceaux),
            role="manager",
        )  # fmt: skip


def test_a_request_of_a_service_with_a_stored_workflow_starts_in_its_initial_state(world):
    # given a service with a stored workflow whose initial state is not "received"
    definition = WorkflowDefinition.objects.create(
        slug="deux-etapes", name="Deux étapes", definition=TWO_STEP
    )
    save_service(service=service("signalement-voirie"), actor=SYSTEM, workflow=definition)
    # when a request is filed
    request = file_request(world)
    # then it is in the stored initial state
    assert (request.state, request.public_status) == ("nouvelle", "ongoing")


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ({"states": []}, "mal formé"),
        ({"transitions": []}, "mal formé"),
        (TWO_STEP | {"initial": "ailleurs"}, "l'état initial « ailleurs » n'existe pas"),
        (
            TWO_STEP | {"states": [*TWO_STEP["states"], TWO_STEP["states"][0]]},
            "deux états portent le même nom",
        ),
        (
            TWO_STEP | {"states": [{"name": "x", "label": "x", "public_status": "fini"}]},
            "statut public inconnu pour « x »",
        ),
        (
            TWO_STEP
            | {"transitions": [{"source": "nouvelle", "target": "nulle_part", "action": "Aller",
                                "min_role": "manager"}]},
            "transition vers ou depuis un état inconnu : Aller",
        ),
        (
            TWO_STEP
            | {"transitions": [{"source": "nouvelle", "target": "validee", "action": "Valider",
                                "min_role": "maire"}]},
            "rôle inconnu « maire »",
        ),
        (
            TWO_STEP | {"states": [{"name": "x", "label": "x", "public_status": "done",
                                    "clock": "sablier"}], "initial": "x", "transitions": []},
            "horloge inconnue pour « x »",
        ),
    ],
)  # fmt: skip
def test_an_invalid_workflow_definition_is_rejected_with_its_reason(document, reason):
    # given a malformed or incoherent stored workflow
    # when it is read
    # then it is rejected, naming the workflow and the reason in French
    with pytest.raises(InvalidWorkflowDefinition) as rejection:
        Workflow.from_definition("circuit-test", document)
    assert "circuit-test" in str(rejection.value)
    assert reason in str(rejection.value)


def test_the_default_workflow_round_trips_through_its_stored_form():
    # given the default workflow written as data
    document = DEFAULT_WORKFLOW.as_definition()
    # when it is read back
    # then it is the same workflow
    assert Workflow.from_definition("default", document) == DEFAULT_WORKFLOW


# --- random walks through actions -------------------------------------------------------------

moves = st.lists(
    st.tuples(st.sampled_from(STATES), st.sampled_from(ROLES), st.booleans()), max_size=12
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(walk=moves)
def test_random_walks_only_take_moves_the_table_allows(world, walk):
    # each example runs in a savepoint rolled back at its end
    with transaction.atomic():
        # given a new request
        request = file_request(world)
        for target, role, commented in walk:
            source = request.state
            legal = least_role(source, target, role) is not None
            needs_comment = (
                legal and (source, target, least_role(source, target, role)) in COMMENTED
            )
            # when a random role tries a random move, with or without a comment
            try:
                request = actions.change_status(
                    request=request, to=target, actor=actor_for(world, role, request),
                    role=role, note="Motif." if commented else "",
                )  # fmt: skip
                moved = True
            except IllegalTransition:
                moved = False
            # then it moves exactly when the table allows it, and the public status follows
            assert moved == (legal and (commented or not needs_comment)), (source, target, role)
            request.refresh_from_db()
            assert request.state == (target if moved else source)
            assert request.public_status == PUBLIC_STATUS[request.state]
        transaction.set_rollback(True)
