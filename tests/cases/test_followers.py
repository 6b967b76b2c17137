"""Following a request someone else filed: one event, refusals in French, idempotent."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from guichet.cases import actions
from guichet.cases.models import Follower, Request
from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.people.actions import Applicant

from .factories import bring_to, file_request


def test_following_adds_the_person_once_with_one_hidden_event(world):
    # given Alice's report
    filed = file_request(world)
    # when Bob follows it, twice
    first = actions.follow_request(request=filed, person=world.bob)
    again = actions.follow_request(request=filed, person=world.bob)
    # then he is one follower, with one event in his journal on the request, hidden from Alice
    assert first.pk == again.pk and first.source == Follower.Source.FOLLOW
    events = Event.objects.filter(case_id=filed.pk, kind="cases.request-followed")
    assert events.count() == 1
    event = events.get()
    assert event.person_id == world.bob.pk and not event.visible_to_person
    assert event.payload["followers"] == 1


def test_a_visitor_following_with_an_email_gets_a_record(world):
    filed = file_request(world)
    follower = actions.follow_request(
        request=filed, person=Applicant(email="claire@exemple.fr"),
        registrar=Actor.application("portail"),
    )  # fmt: skip
    assert follower.person.identities.filter(value="claire@exemple.fr").exists()


@pytest.mark.parametrize(
    "case, message",
    [
        ("own", "C'est votre propre signalement"),
        ("closed", "clos"),
        ("test", "d'essai"),
        ("duplicate", "regroupé"),
    ],
)
def test_following_is_refused_in_french_and_writes_nothing(world, case, message):
    filed = file_request(world)
    person = world.bob
    if case == "own":
        person = world.alice
    elif case == "closed":
        filed = bring_to(world, filed, "resolved")
    elif case == "test":
        Request.objects.filter(pk=filed.pk).update(is_test=True)
    elif case == "duplicate":
        Request.objects.filter(pk=filed.pk).update(duplicate_of=file_request(world))
    before = Event.objects.count()
    with pytest.raises(actions.FollowError, match=message):
        actions.follow_request(request=filed, person=person)
    assert not Follower.objects.filter(request=filed).exists()
    assert Event.objects.count() == before


def test_unfollowing_removes_the_follow_with_one_event(world):
    filed = file_request(world)
    actions.follow_request(request=filed, person=world.bob)
    assert actions.unfollow_request(request=filed, person=world.bob) is True
    assert actions.unfollow_request(request=filed, person=world.bob) is False
    assert not Follower.objects.filter(request=filed).exists()
    assert Event.objects.filter(case_id=filed.pk, kind="cases.request-unfollowed").count() == 1


def test_the_agents_request_page_says_how_many_follow_it(world):
    # given a report followed by two other persons
    filed = file_request(world)
    actions.follow_request(request=filed, person=world.bob)
    actions.follow_request(
        request=filed, person=Applicant(email="claire@exemple.fr"),
        registrar=Actor.application("portail"),
    )  # fmt: skip
    client = Client()
    client.force_login(world.agent_sceaux)
    # when an agent opens it
    page = client.get(reverse("backoffice:request", args=[filed.pk])).content.decode()
    # then the page says two persons follow it
    assert "2 personnes suivent ce signalement" in page
