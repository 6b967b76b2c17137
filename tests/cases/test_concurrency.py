"""Two agents acting on the same request at the same moment: exactly one wins."""

from __future__ import annotations

import pytest
from support import race

from guichet.cases import actions
from guichet.cases.actions import StaleRequest
from guichet.cases.models import Request
from guichet.cases.workflow import IllegalTransition
from guichet.core.journal import Actor
from guichet.core.models import Event

from .factories import build_world, file_request


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("in_progress", ""), ("in_progress", "")),
        (("in_progress", ""), ("rejected", "Hors compétence.")),
    ],
)
def test_two_agents_taking_the_same_request_at_once_one_wins(first, second):
    # given a received request and two case handlers of Sceaux who both saw it "received"
    world = build_world()
    request = file_request(world, "question-generale")

    def attempt(agent, target, note):
        return lambda: actions.change_status(
            request=Request.objects.get(pk=request.pk), to=target, actor=Actor.agent(agent),
            role="case_handler", note=note, expected_state="received",
        )  # fmt: skip

    # when they both act at the same moment
    outcomes = race(attempt(world.agent_sceaux, *first), attempt(world.manager_sceaux, *second))
    # then exactly one succeeds and the other is told someone moved it first
    winners = [o for o in outcomes if isinstance(o, Request)]
    losers = [o for o in outcomes if not isinstance(o, Request)]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1 and isinstance(losers[0], StaleRequest | IllegalTransition), outcomes
    if isinstance(losers[0], StaleRequest):
        assert "vient d'être modifiée par quelqu'un d'autre" in str(losers[0])
    # and the request is in the winner's state with exactly one status event in the journal
    request.refresh_from_db()
    assert request.state == winners[0].state
    changes = Event.objects.filter(case_id=request.pk, kind="request.status_changed")
    assert changes.count() == 1
    assert changes.get().payload["target"] == request.state
