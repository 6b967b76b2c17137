"""Supporting twice at once (two tabs), and after the phase closed: one counts, the other is
told in French; the count always equals the rows.

Committed data across threads (`transaction=True`): run it on PostgreSQL too, where the unique
index really makes the second insert wait for the first (`DATABASE_URL=postgres://…`).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from support import race

from guichet.core import clock
from guichet.core.models import Event
from guichet.participation.actions import ideas as act
from guichet.participation.eligibility import NotAllowed
from guichet.participation.models.ideas import Idea, Support
from guichet.participation.refusals import Refused

from .consultation_world import small_world


def supporting(idea: Idea, person) -> object:
    return lambda: act.support_idea(idea=Idea.objects.get(pk=idea.pk), person=person)


def an_idea(w) -> Idea:
    return act.propose_idea(consultation=w.consultation, person=w.people[0],
                            title="Une rue aux écoles", text="Fermer la rue aux voitures.")  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_two_tabs_supporting_at_once_count_once():
    # given an idea and a resident with two tabs open
    w = small_world()
    idea = an_idea(w)
    resident = w.people[1]
    # when both tabs press « Soutenir » at the same moment
    outcomes = race(supporting(idea, resident), supporting(idea, resident))
    # then one support counts and the other tab is told so in French
    assert sum(isinstance(o, Support) for o in outcomes) == 1, outcomes
    refused = [o for o in outcomes if isinstance(o, Refused)]
    assert len(refused) == 1 and "Vous soutenez déjà cette idée" in str(refused[0])
    idea.refresh_from_db()
    assert idea.supports_count == Support.objects.filter(idea=idea).count() == 1
    assert Event.objects.filter(kind="participation.idea-supported").count() == 1


@pytest.mark.django_db(transaction=True)
def test_many_residents_at_once_are_all_counted_exactly():
    w = small_world()
    idea = an_idea(w)
    outcomes = race(*[supporting(idea, p) for p in w.people for _ in range(2)])
    assert sum(isinstance(o, Support) for o in outcomes) == len(w.people), outcomes
    assert all(isinstance(o, Support | Refused) for o in outcomes), outcomes
    idea.refresh_from_db()
    assert idea.supports_count == Support.objects.filter(idea=idea).count() == len(w.people)


@pytest.mark.django_db(transaction=True)
def test_supporting_or_withdrawing_after_the_phase_closed_is_refused_in_french():
    w = small_world()
    idea = an_idea(w)
    act.support_idea(idea=idea, person=w.people[1])
    with clock.frozen_at(clock.now() + timedelta(days=25)):
        with pytest.raises(NotAllowed) as caught:
            act.support_idea(idea=idea, person=w.people[2])
        assert "n'est pas ouverte en ce moment" in str(caught.value)
        with pytest.raises(NotAllowed):
            act.withdraw_support(idea=idea, person=w.people[1])
    idea.refresh_from_db()
    assert idea.supports_count == Support.objects.filter(idea=idea).count() == 1


@pytest.mark.django_db(transaction=True)
def test_withdrawing_twice_at_once_uncounts_once():
    w = small_world()
    idea = an_idea(w)
    act.support_idea(idea=idea, person=w.people[1])
    withdraw = lambda: act.withdraw_support(idea=Idea.objects.get(pk=idea.pk), person=w.people[1])  # noqa: E731
    outcomes = race(withdraw, withdraw)
    assert sum(o is None for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, Refused) for o in outcomes) == 1, outcomes
    idea.refresh_from_db()
    assert idea.supports_count == 0 == Support.objects.filter(idea=idea).count()
