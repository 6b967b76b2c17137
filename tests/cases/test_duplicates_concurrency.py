"""Two agents merging at the same moment: one merge wins, the other is told why, no deadlock.

Committed data across threads (`transaction=True`): run it on PostgreSQL too, where the row
locks really wait (`DATABASE_URL=postgres://…`).
"""

from __future__ import annotations

import pytest
from support import race

from guichet.cases import actions
from guichet.cases.actions import MergeRefused
from guichet.cases.models import Follower, Request
from guichet.core.journal import Actor
from guichet.core.models import Event

from .factories import build_world, file_request, person


def merging(child: Request, parent: Request, agent) -> object:
    return lambda: actions.merge_request(
        child=Request.objects.get(pk=child.pk), parent=Request.objects.get(pk=parent.pk),
        actor=Actor.agent(agent),
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_the_same_child_merged_twice_at_once_is_merged_once():
    # given a duplicate and two candidate parents, and two agents of Sceaux
    world = build_world()
    first, second = file_request(world), file_request(world)
    child = file_request(world, person=person("Léa", "Petit"))
    # when each agent merges it into a different parent at the same moment
    outcomes = race(
        merging(child, first, world.agent_sceaux), merging(child, second, world.manager_sceaux)
    )
    # then one merge wins, the other is refused in French, and nothing is written twice
    winners = [o for o in outcomes if isinstance(o, Request)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert isinstance(losers[0], MergeRefused) and "déjà fusionnée" in str(losers[0])
    child.refresh_from_db()
    assert child.duplicate_of_id == winners[0].duplicate_of_id
    assert Event.objects.filter(kind="cases.request-merged").count() == 1
    assert Follower.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_requests_merged_into_each_other_at_once_end_as_one_merge():
    # given two reports of the same pothole
    world = build_world()
    a, b = file_request(world), file_request(world, person=person("Léa", "Petit"))
    # when one agent merges A into B while another merges B into A
    outcomes = race(merging(a, b, world.agent_sceaux), merging(b, a, world.manager_sceaux))
    # then (locks taken in id order: no deadlock) exactly one merge happened
    assert sum(isinstance(o, Request) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, MergeRefused) for o in outcomes) == 1, outcomes
    assert Request.objects.filter(duplicate_of__isnull=False).count() == 1
    assert Event.objects.filter(kind="cases.request-merged").count() == 1
