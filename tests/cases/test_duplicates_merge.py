"""Merging a duplicate into its parent, and undoing it: state, queue, followers, journal."""

from __future__ import annotations

import pytest
from django.test import Client

from guichet.cases import actions
from guichet.cases.actions import MergeRefused
from guichet.cases.models import Follower, Request
from guichet.cases.selectors import QueueFilters, queue_for_agent
from guichet.cases.workflow import IllegalTransition
from guichet.core.journal import Actor
from guichet.core.models import Event

from .factories import bring_to, file_request, person


def agent(world) -> Actor:
    return Actor.agent(world.agent_sceaux)


def queue(world) -> set[int]:
    return set(queue_for_agent(world.agent_sceaux, QueueFilters()).values_list("pk", flat=True))


def journal(kind: str) -> list[Event]:
    return list(Event.objects.filter(kind=kind))


def columns(request: Request) -> tuple:
    request.refresh_from_db()
    return (
        request.state, request.public_status, request.team_id, request.assignee_id,
        request.duplicate_of_id, request.reference, request.in_queue,
    )  # fmt: skip


@pytest.fixture
def pair(world):
    """Alice's pothole, in progress and assigned; Léa's duplicate, qualified, in the Voirie team."""
    parent = bring_to(world, file_request(world), "in_progress")
    lea = person("Léa", "Petit", email="lea@exemple.fr")
    child = file_request(world, person=lea, channel="phone", filed_by=world.front_desk_sceaux)
    child = actions.change_status(
        request=child, to="qualified", actor=agent(world), role="front_desk"
    )
    actions.assign(
        request=child, actor=agent(world), team=world.sceaux_voirie, assignee=world.agent_sceaux
    )
    return parent, child, lea


def test_a_merge_takes_the_child_out_of_the_queue_and_makes_its_person_a_follower(world, pair):
    parent, child, lea = pair
    assert {parent.pk, child.pk} <= queue(world)
    # when the agent merges the child into the parent
    actions.merge_request(child=child, parent=parent, actor=agent(world), note="Même trou.")
    # then the child keeps its reference, leaves the queue and shows the parent's status
    child.refresh_from_db()
    assert child.duplicate_of_id == parent.pk and not child.in_queue
    assert child.reference == Request.objects.get(pk=child.pk).reference
    assert child.public_status == "ongoing" and child.assignee_id is None
    assert child.pk not in queue(world) and parent.pk in queue(world)
    # and Léa follows the parent because of this merge
    follow = Follower.objects.get(request=parent)
    assert (follow.person_id, follow.source, follow.merged_request_id) == (
        lea.pk,
        "merge",
        child.pk,
    )
    # and one event, on the child, says so with what unmerge restores
    [event] = journal("cases.request-merged")
    assert event.case_id == child.pk and event.payload["parent"] == parent.reference
    assert event.payload["previous"]["state"] == "qualified"
    assert event.payload["previous"]["assignee_id"] == world.agent_sceaux.pk
    assert event.payload["note"] == "Même trou."


def test_unmerge_restores_the_child_exactly_and_removes_the_follow(world, pair):
    parent, child, lea = pair
    before = columns(child)
    actions.merge_request(child=child, parent=parent, actor=agent(world))
    # when the merge is undone
    actions.unmerge_request(child=child, actor=agent(world), reason="Pas le même trou.")
    # then the child is as it was, back in the queue, and Léa no longer follows the parent
    assert columns(child) == before
    assert child.pk in queue(world)
    assert not Follower.objects.filter(request=parent).exists()
    [event] = journal("cases.request-unmerged")
    assert event.case_id == child.pk and event.payload["reason"] == "Pas le même trou."
    assert len(journal("cases.request-merged")) == 1


def test_the_child_mirrors_the_parents_progress_without_an_event_of_its_own(world, pair):
    parent, child, lea = pair
    actions.merge_request(child=child, parent=parent, actor=agent(world))
    events_before = Event.objects.filter(case_id=child.pk).count()
    # when the parent waits for its own person, the child is simply in progress
    parent = actions.change_status(
        request=parent, to="waiting_user", actor=agent(world), role="case_handler",
        note="Une photo ?",
    )  # fmt: skip
    assert Request.objects.get(pk=child.pk).public_status == "ongoing"
    # when the parent is resolved, the child is done too
    parent = actions.change_status(
        request=parent, to="in_progress", actor=agent(world), role="case_handler"
    )
    actions.change_status(
        request=parent, to="resolved", actor=agent(world), role="case_handler", note="Rebouché."
    )
    child.refresh_from_db()
    assert child.public_status == "done" and child.state == "qualified"
    # and the child appended nothing: its person hears of it as a follower, once
    assert Event.objects.filter(case_id=child.pk).count() == events_before


def test_a_merged_child_cannot_be_moved_on_its_own(world, pair):
    parent, child, lea = pair
    actions.merge_request(child=child, parent=parent, actor=agent(world))
    with pytest.raises(IllegalTransition, match="Séparez-la d'abord"):
        actions.change_status(
            request=child, to="in_progress", actor=agent(world), role="case_handler"
        )
    client = Client()
    client.force_login(world.agent_sceaux)
    page = client.get(f"/agents/demandes/{child.pk}/").content.decode()
    assert "data-transition=" not in page


def test_a_reply_to_a_merged_child_keeps_the_parents_status(world):
    # given Léa's request waiting for her answer, then merged into Alice's, which is resolved
    parent = bring_to(world, file_request(world), "in_progress")
    child = bring_to(world, file_request(world, person=person("Léa", "Petit")), "waiting_user")
    actions.merge_request(child=child, parent=parent, actor=agent(world))
    actions.change_status(
        request=parent, to="resolved", actor=agent(world), role="case_handler", note="Fait."
    )
    # when Léa answers the old question by e-mail
    actions.reply_as_person(
        request=child, actor=Actor.person(child.person), body="Voici la photo.", channel="email"
    )
    # then her answer is kept, and her request still shows the parent's outcome
    child.refresh_from_db()
    assert (child.state, child.public_status) == ("waiting_user", "done")
    assert child.messages.filter(body="Voici la photo.").exists()


def test_unmerge_after_the_parent_was_resolved_restores_the_childs_own_status(world, pair):
    parent, child, lea = pair
    actions.merge_request(child=child, parent=parent, actor=agent(world))
    actions.change_status(
        request=parent, to="resolved", actor=agent(world), role="case_handler", note="Fait."
    )
    assert Request.objects.get(pk=child.pk).public_status == "done"
    actions.unmerge_request(child=child, actor=agent(world), reason="Autre trou.")
    child.refresh_from_db()
    assert (child.state, child.public_status, child.in_queue) == ("qualified", "ongoing", True)


def test_refusals_are_french_and_write_nothing(world, pair):
    parent, child, lea = pair
    closed = bring_to(world, file_request(world), "resolved")
    tours = file_request(world, commune=world.tours_commune, person=world.bob)
    test_request = file_request(world)
    Request.objects.filter(pk=test_request.pk).update(is_test=True)
    test_request.refresh_from_db()
    cases = [
        (child, child, "elle-même"),
        (child, closed, "est terminée"),
        (child, tours, "même collectivité"),
        (test_request, parent, "de test"),
    ]
    for this, into, message in cases:
        with pytest.raises(MergeRefused, match=message):
            actions.merge_request(child=this, parent=into, actor=agent(world))
    assert journal("cases.request-merged") == []
    with pytest.raises(MergeRefused, match="Indiquez pourquoi"):
        actions.unmerge_request(child=child, actor=agent(world), reason="  ")
    with pytest.raises(MergeRefused, match="n'est fusionnée dans aucune"):
        actions.unmerge_request(child=child, actor=agent(world), reason="Erreur.")


def test_chains_are_refused_with_the_root_to_merge_into(world, pair):
    parent, child, lea = pair
    third = file_request(world, person=person("Marc", "Roux"))
    actions.merge_request(child=child, parent=parent, actor=agent(world))
    # a second merge of the child, a merge into the child, a merge of the parent elsewhere
    with pytest.raises(MergeRefused, match=f"déjà fusionnée dans {parent.reference}"):
        actions.merge_request(child=child, parent=third, actor=agent(world))
    with pytest.raises(MergeRefused, match=f"fusionnez plutôt dans {parent.reference}"):
        actions.merge_request(child=third, parent=child, actor=agent(world))
    with pytest.raises(MergeRefused, match=f"fusionnez plutôt {third.reference} dans"):
        actions.merge_request(child=parent, parent=third, actor=agent(world))
    assert len(journal("cases.request-merged")) == 1


def test_the_parents_own_person_gets_no_follow_and_a_second_merge_of_theirs_keeps_one(world):
    parent = file_request(world)
    again = file_request(world)  # Alice reports it twice
    lea = person("Léa", "Petit")
    first, second = file_request(world, person=lea), file_request(world, person=lea)
    for child in (again, first, second):
        actions.merge_request(child=child, parent=parent, actor=agent(world))
    # then only Léa follows, once, through her first request
    follow = Follower.objects.get(request=parent)
    assert (follow.person_id, follow.merged_request_id) == (lea.pk, first.pk)
    # when her first request is unmerged, she still follows through the second
    actions.unmerge_request(child=first, actor=agent(world), reason="Erreur.")
    follow.refresh_from_db()
    assert follow.merged_request_id == second.pk
    actions.unmerge_request(child=second, actor=agent(world), reason="Erreur.")
    assert not Follower.objects.filter(request=parent).exists()


def test_the_tracking_page_of_a_merged_child_shows_the_parents_progress(world, pair):
    parent, child, lea = pair
    actions.merge_request(child=child, parent=parent, actor=agent(world))
    actions.change_status(
        request=Request.objects.get(pk=parent.pk), to="resolved", actor=agent(world),
        role="case_handler", note="Trou rebouché le 3 mars.",
    )  # fmt: skip
    # when Léa opens her request's tracking link
    client = Client()
    landing = client.get(f"/suivi/{child.reference}", {"cle": child.tracking_secret})
    page = client.get(landing["Location"]).content.decode()
    # then it says where her report went, the parent's status and public history
    assert (
        f'Votre demande a été regroupée avec le signalement <span class="portal-reference-inline">'
        f"{parent.reference}</span> (même problème au même endroit). Son traitement vous sera "
        "notifié." in page
    )
    assert "Trou rebouché le 3 mars." in page
    assert "traitée" in page
    # and her own answers, never Alice's name or contact
    assert "Vos réponses au formulaire" in page
    for private in ("Alice", "Martin", "alice@exemple.fr"):
        assert private not in page
    # and no reply form: the parent's questions are for its own person
    assert "Envoyer ma réponse" not in page


def test_marking_a_duplicate_in_the_link_block_is_the_merge(world, pair):
    parent, child, lea = pair
    client = Client()
    client.force_login(world.agent_sceaux)
    response = client.post(
        f"/agents/demandes/{child.pk}/link/", {"reference": parent.reference, "kind": "duplicate"}
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.duplicate_of_id == parent.pk
    assert len(journal("cases.request-merged")) == 1 and journal("request.linked") == []
