"""Handing a request to another authority: same reference, person and history, new owner."""

from __future__ import annotations

import pytest
from django.http import Http404

from guichet.cases import actions
from guichet.cases.access import access_request
from guichet.cases.selectors import (
    QueueFilters,
    person_timeline,
    queue_for_agent,
    requests_of_person,
)
from guichet.cases.workflow import IllegalTransition
from guichet.core.journal import Actor
from guichet.core.models import Event

from .factories import bring_to, file_request

REASON = "Les encombrants relèvent de l'établissement public territorial."


def test_hand_off_keeps_reference_person_and_history_and_changes_owner(world):
    # given a request filed at Sceaux, taken in charge by a Sceaux agent
    request = file_request(world, "question-generale")
    request = actions.change_status(
        request=request, to="in_progress", actor=Actor.agent(world.agent_sceaux),
        role="case_handler",
    )  # fmt: skip
    actions.assign(
        request=request, actor=Actor.agent(world.agent_sceaux), assignee=world.agent_sceaux
    )
    history_before = list(Event.objects.filter(case_id=request.pk).values_list("pk", flat=True))
    # when the agent hands it to the EPT as not their competence
    handed = actions.hand_off(
        request=request,
        to_authority=world.ept,
        reason=REASON,
        actor=Actor.agent(world.agent_sceaux),
    )
    handed.refresh_from_db()
    # then the reference, person, state and history stay; authority, team and assignee change
    assert handed.reference == request.reference
    assert handed.person == world.alice
    assert handed.state == "in_progress"
    assert handed.authority == world.ept
    assert handed.team.authority == world.ept and handed.team.is_default
    assert handed.assignee is None
    events = list(Event.objects.filter(case_id=request.pk).order_by("occurred_at", "id"))
    assert [e.pk for e in events[:-1]] == history_before
    assert events[-1].kind == "request.handed_off"
    assert events[-1].payload["reason"] == REASON
    assert events[-1].authority_id == world.ept.pk


def test_hand_off_is_on_the_persons_timeline(world):
    # given a request handed from Sceaux to the EPT
    request = file_request(world, "question-generale")
    actions.hand_off(
        request=request,
        to_authority=world.ept,
        reason=REASON,
        actor=Actor.agent(world.agent_sceaux),
    )
    # when the person looks at the request's timeline and their requests
    seen = [event.kind for event in person_timeline(request)]
    # then they see it was received then handed on, and it is still theirs
    assert seen == ["request.received", "request.handed_off"]
    assert list(requests_of_person(world.alice)) == [request]


def test_after_hand_off_only_the_new_authority_accesses_the_request(world):
    # given a request handed from Sceaux to the EPT
    request = file_request(world, "question-generale")
    assert access_request(world.agent_sceaux, request.pk) == request
    with pytest.raises(Http404):
        access_request(world.agent_ept, request.pk)
    actions.hand_off(
        request=request,
        to_authority=world.ept,
        reason=REASON,
        actor=Actor.agent(world.agent_sceaux),
    )
    # when both agents open it
    # then the previous authority's agent gets "not found", the new one gets it
    with pytest.raises(Http404):
        access_request(world.agent_sceaux, request.pk)
    assert access_request(world.agent_ept, request.pk).reference == request.reference


def test_after_hand_off_the_request_moves_to_the_new_authoritys_queue(world):
    # given a request handed from Sceaux to the EPT
    request = file_request(world, "question-generale")
    actions.hand_off(
        request=request,
        to_authority=world.ept,
        reason=REASON,
        actor=Actor.agent(world.agent_sceaux),
    )
    # when both agents look at their queues
    # then it is gone from theirs and in the EPT's
    assert request not in queue_for_agent(world.agent_sceaux, QueueFilters())
    assert request in queue_for_agent(world.agent_ept, QueueFilters())


@pytest.mark.parametrize(
    ("reason", "target", "message"),
    [
        ("  ", "ept", "Indiquez le motif du transfert."),
        (REASON, "sceaux", "La demande est déjà traitée par cette collectivité."),
    ],
)
def test_hand_off_needs_a_reason_and_another_authority(world, reason, target, message):
    # given a request at Sceaux
    request = file_request(world, "question-generale")
    # when it is handed off without a reason, or to its own authority
    # then it is refused in French and nothing changes
    with pytest.raises(IllegalTransition, match=message):
        actions.hand_off(
            request=request, to_authority=getattr(world, target), reason=reason,
            actor=Actor.agent(world.agent_sceaux),
        )  # fmt: skip
    request.refresh_from_db()
    assert request.authority == world.sceaux
    assert not Event.objects.filter(case_id=request.pk, kind="request.handed_off").exists()


def test_a_finished_request_cannot_be_handed_off(world):
    # given a resolved request
    request = bring_to(world, file_request(world, "question-generale"), "resolved")
    # when it is handed off
    # then it is refused
    with pytest.raises(
        IllegalTransition, match="Une demande terminée ne peut pas être transférée."
    ):
        actions.hand_off(
            request=request, to_authority=world.ept, reason=REASON,
            actor=Actor.agent(world.agent_sceaux),
        )  # fmt: skip


def test_an_inactive_authority_cannot_receive_a_hand_off(world):
    # given the EPT is suspended from the platform
    world.ept.is_active = False
    world.ept.save()
    request = file_request(world, "question-generale")
    # when a request is handed to it
    # then it is refused, naming it
    with pytest.raises(IllegalTransition, match="n'est pas active sur la plateforme"):
        actions.hand_off(
            request=request, to_authority=world.ept, reason=REASON,
            actor=Actor.agent(world.agent_sceaux),
        )  # fmt: skip
