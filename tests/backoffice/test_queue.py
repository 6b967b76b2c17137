import re
from datetime import timedelta

import pytest
from django.utils import timezone

from guichet.cases.actions import assign, change_status
from guichet.cases.models import Request
from guichet.core import refcache
from guichet.core.journal import Actor

from .conftest import file_question

pytestmark = pytest.mark.django_db


def references(response) -> set[str]:
    """The references of the rows the page shows."""
    return set(re.findall(r'<tr data-reference="([^"]+)"', response.content.decode()))


def test_the_queue_shows_only_the_requests_of_the_agents_authorities(world, signed_in):
    # given a request in Sceaux and one in Issy
    ours = file_question(world)
    theirs = file_question(world, commune=world.issy_commune)
    # when a Sceaux agent opens the queue
    response = signed_in(world.handler).get("/agents/")
    # then only Sceaux's request is listed
    assert response.status_code == 200
    assert references(response) == {ours.reference}
    assert theirs.reference not in response.content.decode()


def test_an_agent_of_another_authority_gets_not_found_on_the_detail(world, signed_in):
    # given a request handled by Sceaux
    case = file_question(world)
    # when an Issy agent opens it, and a Sceaux agent opens a request that does not exist
    foreign = signed_in(world.issy_agent).get(f"/agents/demandes/{case.pk}/")
    missing = signed_in(world.issy_agent).get("/agents/demandes/999999/")
    # then both get the same French "not found"
    assert foreign.status_code == missing.status_code == 404
    assert "Demande introuvable." in foreign.content.decode()
    assert foreign.context["message"] == missing.context["message"]


def test_a_signed_in_user_who_is_not_an_agent_gets_a_french_403(world, signed_in):
    # when a user with no membership opens the back office
    response = signed_in(world.outsider).get("/agents/")
    # then access is refused in French
    assert response.status_code == 403
    assert "réservé aux agents" in response.content.decode()


def test_the_queue_filters_by_state_service_channel_team_and_search(world, signed_in):
    # given three requests of Sceaux in different situations
    first = file_question(world, sujet="Premier")
    second = file_question(world, sujet="Second", person=world.paul)
    third = file_question(world, sujet="Troisième")
    change_status(request=second, to="in_progress", actor=Actor.system(), role="case_handler")
    assign(request=third, actor=Actor.system(), team=world.voirie, assignee=world.handler)
    client = signed_in(world.handler)
    # when the agent filters the queue
    by_state = client.get("/agents/", {"state": "in_progress"})
    by_team = client.get("/agents/", {"team": world.voirie.pk})
    mine = client.get("/agents/", {"mine": "on"})
    by_name = client.get("/agents/", {"q": "durand"})
    by_reference = client.get("/agents/", {"q": first.reference.lower().replace("-", "")})
    by_channel = client.get("/agents/", {"channel": "phone"})
    by_service = client.get("/agents/", {"service": world.noise.pk})
    # then each filter keeps the matching requests only
    assert references(by_state) == {second.reference}
    assert references(by_team) == {third.reference}
    assert references(mine) == {third.reference}
    assert references(by_name) == {second.reference}
    assert references(by_reference) == {first.reference}
    assert references(by_channel) == set()
    assert references(by_service) == set()


def test_the_overdue_filter_and_the_counts(world, signed_in):
    # given one request received long ago (overdue) and one received now
    late = file_question(world, received_at=timezone.now() - timedelta(days=60))
    fresh = file_question(world)
    # when the agent asks for overdue requests
    response = signed_in(world.handler).get("/agents/", {"overdue": "on"})
    # then only the late one is listed, with a red badge, and the counters say so
    assert references(response) == {late.reference}
    assert fresh.reference not in references(response)
    assert 'data-deadline="overdue"' in response.content.decode()
    assert response.context["counts"]["open"] == 2
    assert response.context["counts"]["overdue"] == 1


def test_invalid_filters_are_ignored_with_a_french_message(world, signed_in):
    # given a request
    case = file_question(world)
    # when the query string holds nonsense
    response = signed_in(world.handler).get("/agents/", {"service": "abc", "page": "zz"})
    # then the page still answers, says so in French and lists everything
    assert response.status_code == 200
    assert "Certains filtres ne sont pas valides" in response.content.decode()
    assert references(response) == {case.reference}


def test_the_queue_costs_the_same_number_of_queries_for_3_or_40_requests(
    world, signed_in, django_assert_max_num_queries
):
    # given 40 requests of Sceaux, some assigned
    for n in range(40):
        case = file_question(world, sujet=f"Question {n}")
        if n % 3 == 0:
            assign(request=case, actor=Actor.system(), team=world.voirie, assignee=world.handler)
    client = signed_in(world.handler)
    # (the world's services, teams and communes are committed reference data in production:
    # the test's never-committed transaction forbids caching them until told otherwise)
    refcache.clear()
    client.get("/agents/")  # warm the session and the reference cache
    # when the agent opens the queue
    with django_assert_max_num_queries(7):
        response = client.get("/agents/")
    # then all of them are listed on one page
    assert len(references(response)) == 40
    assert Request.objects.count() == 40


def test_the_queue_is_paginated_by_50(world, signed_in):
    # given 51 requests
    for n in range(51):
        file_question(world, sujet=f"Question {n}")
    client = signed_in(world.handler)
    # when the agent opens the first and the second page
    first, second = client.get("/agents/"), client.get("/agents/", {"page": 2})
    # then 50 then 1 are shown
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 1
