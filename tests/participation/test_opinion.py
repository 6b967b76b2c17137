"""The opinion map inside a consultation: statements and votes through the actions, the
debounced background computation, the groups P1's rounds read, and the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from support import built_for_the_module, refreshed

from guichet.core import clock
from guichet.core.models import Event
from guichet.participation.actions import opinion as actions
from guichet.participation.models.opinion import OpinionMap, Vote
from guichet.participation.opinion import selectors, tasks
from guichet.participation.refusals import Refused
from guichet.portal.session import PERSON_KEY

from .p2world import build, resident


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, build) as world:
        yield world


@pytest.fixture
def world(_world, db):
    return refreshed(_world)


def signed_in(client, person):
    session = client.session
    session[PERSON_KEY] = person.pk
    session.save()
    return client


def two_camps(world, size=12, statements=8):
    """`size` residents in two camps voting opposite ways on every statement but the first,
    which everyone agrees with."""
    texts = [f"Affirmation numéro {i} sur le centre-ville" for i in range(statements)]
    rows = [
        actions.add_statement(consultation=world.consultation, person=world.alice, text=t)
        for t in texts
    ]
    people = [resident(world.sceaux_commune) for _ in range(size)]
    for n, person in enumerate(people):
        camp = 1 if n < size // 2 else -1
        for i, statement in enumerate(rows):
            actions.vote(statement=statement, person=person, value=1 if i == 0 else camp)
    return rows, people


def test_statements_and_votes_are_checked_and_counted_once(world):
    with pytest.raises(Refused) as refused:
        actions.add_statement(consultation=world.consultation, person=world.alice, text="court")
    assert "10 caractères" in refused.value.errors["text"][0]
    statement = actions.add_statement(
        consultation=world.consultation, person=world.alice, text="Plus d'arbres place du marché"
    )
    with pytest.raises(Refused, match="déjà été proposée"):
        actions.add_statement(
            consultation=world.consultation, person=world.bob, text="plus d'arbres place du marché"
        )
    actions.vote(statement=statement, person=world.bob, value="1")
    with pytest.raises(Refused, match="déjà voté"):
        actions.vote(statement=statement, person=world.bob, value=-1)
    with pytest.raises(Refused) as bad:
        actions.vote(statement=statement, person=world.alice, value="2")
    assert "value" in bad.value.errors
    with pytest.raises(Refused, match="réservée aux personnes"):
        actions.vote(statement=statement, person=world.outsider, value=0)
    assert Vote.objects.filter(statement=statement).count() == 1
    assert Event.objects.filter(kind="participation.statement-voted").count() == 1


def test_the_task_waits_for_a_quiet_moment_then_finds_the_camps(world):
    # given two camps that just voted
    rows, people = two_camps(world)
    assert selectors.groups(world.consultation) == {}  # nothing computed on the request path
    # when the periodic job runs at once: the votes are too fresh (debounced)
    assert tasks.refresh_stale() == 0
    # and 31 seconds later it computes
    with clock.frozen_at(clock.now() + timedelta(seconds=31)):
        assert tasks.refresh_stale() == 1
        assert tasks.refresh_stale() == 0  # nothing new: not computed again
    groups = selectors.groups(world.consultation)
    half = len(people) // 2
    assert len(set(groups.values())) == 2
    assert len({groups[p.pk] for p in people[:half]}) == 1
    assert groups[people[0].pk] != groups[people[-1].pk]
    # and the statement everyone agrees with has the highest consensus
    stored = OpinionMap.objects.get(consultation=world.consultation)
    best = max(stored.statements, key=lambda s: s["consensus"])
    assert best["statement"] == rows[0].pk
    assert Event.objects.filter(kind="participation.opinion-map-computed").count() == 1


def test_a_hidden_statement_leaves_the_map_and_the_voting(world):
    rows, people = two_camps(world, size=6, statements=4)
    rows[1].hidden_at, rows[1].hidden_reason = clock.now(), "Hors sujet"
    rows[1].save()
    tasks.recompute(world.consultation)
    stored = OpinionMap.objects.get(consultation=world.consultation)
    assert rows[1].pk not in {s["statement"] for s in stored.statements}
    fresh = resident(world.sceaux_commune)
    seen = set()
    for _ in range(4):
        statement = selectors.next_statement(world.consultation, fresh)
        if statement is None:
            break
        seen.add(statement.pk)
        actions.vote(statement=statement, person=fresh, value=0)
    assert seen == {rows[0].pk, rows[2].pk, rows[3].pk}


def test_voting_page_shows_one_statement_at_a_time_and_records_the_vote(world, client):
    statement = actions.add_statement(
        consultation=world.consultation, person=world.alice, text="Une fontaine sur la place"
    )
    url = reverse("participation:opinion", kwargs={"pk": world.consultation.pk})
    anonymous = client.get(url)
    assert "identifiez-vous" in anonymous.content.decode()
    signed_in(client, world.bob)
    page = client.get(url).content.decode()
    assert "Une fontaine sur la place" in page and "Affirmation 1 sur 1" in page
    response = client.post(url, {"statement": statement.pk, "value": "-1"})
    assert response.status_code == 303
    assert Vote.objects.get(statement=statement, person=world.bob).value == -1
    again = client.post(url, {"statement": statement.pk, "value": "1"})
    assert again.status_code == 409 and "votre premier vote compte" in again.content.decode()
    assert "toutes les affirmations" in client.get(url).content.decode()
    bad = client.post(url, {"statement": "x", "value": "1"})
    assert bad.status_code == 400


def test_results_page_has_the_chart_and_its_tables(world, client):
    rows, _ = two_camps(world, size=8, statements=5)
    results = reverse("participation:opinion_results", kwargs={"pk": world.consultation.pk})
    assert "pas encore calculée" in client.get(results).content.decode()
    tasks.recompute(world.consultation)
    page = client.get(results).content.decode()
    assert 'role="img"' in page and "Groupe A" in page and "Groupe B" in page
    table = page.split('id="affirmations"', 1)[1]
    assert table.index(rows[0].text) < table.index(rows[1].text)  # the consensual one first
    assert "<script" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_groups_are_empty_before_any_map(world):
    assert selectors.groups(world.consultation) == {}
    assert selectors.map_view(world.consultation).rows == []
