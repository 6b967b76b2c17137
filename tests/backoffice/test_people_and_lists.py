from datetime import timedelta

import pytest
from django.utils import timezone

from guichet.cases.models import RoutingRule
from guichet.core.journal import Actor
from guichet.people.actions import find_or_create_person

from .conftest import file_question

pytestmark = pytest.mark.django_db


def test_the_person_record_shows_identities_and_only_the_agents_requests(world, signed_in):
    # given Claire with a request in Sceaux and one in Issy, and a look-alike record
    ours = file_question(world)
    theirs = file_question(world, commune=world.issy_commune)
    find_or_create_person(
        actor=Actor.system(), first_name="Claire", last_name="Martin",
        email="claire.martin@example.org",
    )  # fmt: skip
    # when a Sceaux agent opens her record
    response = signed_in(world.handler).get(f"/agents/usagers/{world.claire.pk}/")
    page = response.content.decode()
    # then identities with their level, the Sceaux request, a count of the other, the suspicion
    assert response.status_code == 200
    assert "claire.martin@example.org" in page and "déclaré" in page
    assert ours.reference in page
    assert theirs.reference not in page
    assert response.context["requests"].hidden_count == 1
    assert "1 demande auprès d'autres collectivités" in page
    assert "même courriel" in page
    assert "Demande reçue" in page  # the journal


def test_an_unknown_person_is_not_found_in_french(world, signed_in):
    response = signed_in(world.handler).get("/agents/usagers/987654/")
    assert response.status_code == 404
    assert response.context["message"] == "Usager introuvable."


def test_the_overdue_lists_keep_requests_late_once_or_three_times_their_promise(world, signed_in):
    # given a request 60 days old, one 20 days old, one fresh (promise: 10 working days)
    very_late = file_question(world, received_at=timezone.now() - timedelta(days=60))
    late = file_question(world, received_at=timezone.now() - timedelta(days=20))
    fresh = file_question(world)
    client = signed_in(world.manager)
    # when the manager opens the 1× and 3× lists
    once = {r.request.reference for r in client.get("/agents/retards/").context["rows"]}
    thrice = {
        r.request.reference
        for r in client.get("/agents/retards/", {"facteur": "3"}).context["rows"]
    }
    # then
    assert once == {very_late.reference, late.reference}
    assert thrice == {very_late.reference}
    assert fresh.reference not in once


def test_manager_lists_are_refused_to_a_front_desk_agent(world, signed_in):
    client = signed_in(world.front)
    for path in ("/agents/retards/", "/agents/orientation/"):
        response = client.get(path)
        assert response.status_code == 403
        assert "réservée aux responsables" in response.content.decode()


def test_routing_rules_read_as_an_ordered_list_of_sentences(world, signed_in):
    # given two rules of Sceaux
    rule = RoutingRule.objects.create(
        authority=world.sceaux, position=1, service=world.noise, team=world.voirie
    )
    rule.communes.add(world.sceaux_commune)
    RoutingRule.objects.create(authority=world.sceaux, position=2, team=world.voirie)
    # when the manager opens the list
    response = signed_in(world.manager).get("/agents/orientation/")
    page = response.content.decode()
    # then the rules read in order, in French
    sentences = [line.sentence for line in response.context["sections"][0][1]]
    assert sentences == [
        f"Si service = « {world.noise.name} » et commune = Sceaux → équipe « Voirie »",
        "Dans tous les cas → équipe « Voirie »",
    ]
    assert "1. Si service" in page.replace("&#x27;", "'").replace("&quot;", '"')
