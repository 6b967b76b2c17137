"""Ideas: proposing, comments, the graph and merges, rounds by group-aware consensus, official
answers and milestones — through the actions, reading what people are told."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from support import built_for_the_module, refreshed

from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.notifications.models import Notification
from guichet.participation import consensus
from guichet.participation.actions import consultations as cact
from guichet.participation.actions import ideas as act
from guichet.participation.models.ideas import Idea, Merge, Support, SupportOffer
from guichet.participation.refusals import Refused
from guichet.participation.selectors.ideas import genealogy, threads

from .consultation_world import build, open_consultation

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, build) as built:
        yield built


@pytest.fixture
def w(world, db):
    return refreshed(world)


def idea(w, person=None, title="Des bancs au parc", **kw) -> Idea:
    return act.propose_idea(consultation=kw.pop("consultation", w.consultation),
                            person=person or w.claire, title=title,
                            text="Plus de bancs à l'ombre.", **kw)  # fmt: skip


def refused(call, **kw) -> Refused:
    with pytest.raises(Refused) as caught:
        call(**kw)
    return caught.value


def test_a_proposed_idea_is_published_with_its_place_attachment_and_event(w):
    upload = SimpleUploadedFile("plan.png", PNG, content_type="image/png")
    proposed = idea(w, category="Nature", latitude="48,7772", longitude="2.2906",
                    attachments=[upload])  # fmt: skip
    assert proposed.state == Idea.State.PUBLISHED
    assert (proposed.latitude, proposed.longitude) == (48.7772, 2.2906)
    assert [a.name for a in proposed.attachments.all()] == ["plan.png"]
    assert Event.objects.filter(kind="participation.idea-proposed", subject_id=proposed.pk).exists()


def test_bad_input_is_refused_per_field_and_nothing_is_written(w):
    before = Idea.objects.count()
    error = refused(act.propose_idea, consultation=w.consultation, person=w.claire, title="",
                    text="x" * 10_001, category="Inconnue", latitude="91", longitude="2")  # fmt: skip
    assert error.errors["title"] == ["Titre : ce champ est obligatoire."]
    assert "10000 caractères au plus" in error.errors["text"][0]
    assert error.errors["category"] == ["Choisissez une catégorie dans la liste."]
    assert "replacez-le" in error.errors["place"][0]
    fake = SimpleUploadedFile("virus.pdf", b"MZ" + b"\x00" * 100)
    error = refused(act.propose_idea, consultation=w.consultation, person=w.claire, title="T",
                    text="T", attachments=[fake])  # fmt: skip
    assert "n’est pas d’un type accepté" in error.errors["attachments"][0]
    assert Idea.objects.count() == before


def test_premoderated_ideas_wait_for_a_moderator(w):
    consultation = open_consultation(w, title="Avec modération", premoderation=True)
    assert idea(w, consultation=consultation).state == Idea.State.PENDING


def test_comments_are_threaded(w):
    proposed = idea(w)
    first = act.comment_idea(idea=proposed, person=w.david, text="Bonne idée")
    reply = act.comment_idea(idea=proposed, person=w.claire, text="Merci", parent=first)
    act.comment_idea(idea=proposed, person=w.emma, text="Et des fontaines ?", parent=reply)
    [(top, replies)] = threads(proposed)
    assert top == first and [r.text for r in replies] == ["Merci", "Et des fontaines ?"]


def test_a_child_idea_shows_where_it_came_from_and_the_parent_what_it_became(w):
    parent = idea(w)
    child = idea(w, person=w.david, title="Des bancs et des tables", parent=parent,
                 link_kind="expand")  # fmt: skip
    assert [link.parent for link in genealogy(child).came_from] == [parent]
    assert [link.child for link in genealogy(parent).became] == [child]
    assert genealogy(parent).became[0].get_kind_display() == "développe"


def test_a_child_of_an_idea_of_another_consultation_is_refused(w):
    foreign = idea(w, person=w.tourangeau, consultation=w.other)
    error = refused(act.propose_idea, consultation=w.consultation, person=w.claire, title="T",
                    text="T", parent=foreign, link_kind="adapt")  # fmt: skip
    assert error.errors["parent"] == ["Cette idée appartient à une autre consultation."]


def test_supporting_twice_is_refused_and_withdrawing_uncounts(w):
    proposed = idea(w)
    act.support_idea(idea=proposed, person=w.david)
    error = refused(act.support_idea, idea=proposed, person=w.david)
    assert "Vous soutenez déjà cette idée" in str(error)
    act.withdraw_support(idea=proposed, person=w.david)
    proposed.refresh_from_db()
    assert proposed.supports_count == 0
    assert "ne soutenez pas" in str(refused(act.withdraw_support, idea=proposed, person=w.david))


def test_a_merge_takes_effect_when_every_author_accepts_and_supporters_are_asked(w):
    # given two ideas by Claire and David, Emma supports Claire's
    a, b = idea(w, title="Bancs"), idea(w, person=w.david, title="Tables")
    act.support_idea(idea=a, person=w.emma)
    # when Emma proposes to merge them
    merge = act.propose_merge(person=w.emma, ideas=[a, b], title="Bancs et tables",
                              text="Un coin pique-nique.")  # fmt: skip
    # then both authors are told, and nothing is merged yet
    told = Notification.objects.filter(subject__contains="Fusion proposée")
    assert {n.person_id for n in told} == {w.claire.pk, w.david.pk}
    assert merge.result.state == Idea.State.PROPOSED
    act.answer_merge(merge=merge, person=w.claire, accept=True)
    a.refresh_from_db()
    assert a.state == Idea.State.PUBLISHED
    # when the last author accepts
    act.answer_merge(merge=merge, person=w.david, accept=True)
    merge.refresh_from_db()
    a.refresh_from_db()
    assert merge.state == Merge.State.DONE and a.state == Idea.State.MERGED
    assert a.merged_into == merge.result
    # then Emma's support stays where it was, and she is asked whether to carry it over
    offer = SupportOffer.objects.get(person=w.emma)
    assert Support.objects.filter(person=w.emma, idea=a).exists()
    assert Notification.objects.filter(person=w.emma, subject__contains="fusionnée").exists()
    act.carry_support(offer=offer, person=w.emma, carry=True)
    merge.result.refresh_from_db()
    assert merge.result.supports_count == 1
    assert {link.parent for link in genealogy(merge.result).came_from} == {a, b}
    assert genealogy(a).merged_into == merge.result


def test_one_refusal_ends_the_merge(w):
    a, b = idea(w, title="Bancs"), idea(w, person=w.david, title="Tables")
    merge = act.propose_merge(person=w.claire, ideas=[a, b], title="Ensemble", text="…")
    act.answer_merge(merge=merge, person=w.david, accept=False)
    merge.refresh_from_db()
    a.refresh_from_db()
    assert merge.state == Merge.State.REFUSED and a.state == Idea.State.PUBLISHED
    error = refused(act.answer_merge, merge=merge, person=w.claire, accept=True)
    assert "déjà refusée par un auteur" in str(error)


def test_merging_ideas_of_another_consultation_is_refused_per_field(w):
    a = idea(w)
    foreign = idea(w, person=w.tourangeau, consultation=w.other, title="Ailleurs")
    error = refused(act.propose_merge, person=w.claire, ideas=[a, foreign], title="T", text="T")
    assert "« Ailleurs » appartient à une autre consultation" in error.errors["ideas"][0]
    error = refused(act.propose_merge, person=w.claire, ideas=[a], title="T", text="T")
    assert error.errors["ideas"] == ["Choisissez au moins deux idées à fusionner."]


def test_group_aware_consensus_prefers_ideas_backed_across_groups():
    # idea 1: 4 supporters all in group A; idea 2: 3 supporters, 2 in A and 1 in B
    groups = {1: "A", 2: "A", 3: "A", 4: "A", 5: "B", 6: "B", 7: "B", 8: "B"}
    scored = consensus.scores({1: {1, 2, 3, 4}, 2: {1, 2, 5}}, groups)
    assert scored[2] > scored[1]
    assert consensus.top(scored, 1) == [2]
    # without groups, everyone in one group: raw counts decide
    assert consensus.top(consensus.scores({1: {1, 2, 3, 4}, 2: {1, 2, 5}}), 1) == [1]


def test_closing_a_round_keeps_the_top_k_and_archives_the_rest_with_lineage(w):
    a, b, c = idea(w, title="A"), idea(w, title="B"), idea(w, title="C")
    for person in (w.david, w.emma):
        act.support_idea(idea=a, person=person)
    act.support_idea(idea=c, person=w.david)
    selection = cact.close_round(actor=Actor.agent(w.manager_sceaux),
                                 consultation=w.consultation, keep=1, groups={})  # fmt: skip
    kept = [r["idea"] for r in selection.ranking if r["kept"]]
    assert kept == [a.pk]
    b.refresh_from_db()
    assert b.state == Idea.State.ARCHIVED and b.archived_in == selection
    error = refused(cact.close_round, actor=Actor.agent(w.manager_sceaux),
                    consultation=w.consultation, keep="0")  # fmt: skip
    assert "au moins 1" in error.errors["keep"][0]


def test_an_official_rejection_needs_a_reason_and_tells_author_and_supporters(w):
    proposed = idea(w)
    act.support_idea(idea=proposed, person=w.david)
    actor = Actor.agent(w.manager_sceaux)
    error = refused(act.answer_idea, actor=actor, idea=proposed, status="rejected", text="")
    assert error.errors["text"] == ["Une idée non retenue doit l'être avec un motif."]
    act.answer_idea(actor=actor, idea=proposed, status="accepted", text="Au budget 2027.")
    proposed.refresh_from_db()
    assert proposed.get_answer_display() == "retenue"
    told = Notification.objects.filter(subject__contains="Réponse de la collectivité")
    assert {n.person_id for n in told} == {w.claire.pk, w.david.pk}
    assert "L'idée « Des bancs au parc » est retenue." in told.first().text


def test_milestones_are_checked_and_linked_to_requests_of_the_same_authority(w):
    from datetime import date

    from cases.factories import file_request

    proposed = idea(w)
    actor = Actor.agent(w.manager_sceaux)
    error = refused(act.save_milestone, actor=actor, idea=proposed, title="", due_on="demain",
                    progress=150)  # fmt: skip
    assert set(error.errors) == {"title", "due_on", "progress"}
    request = file_request(w)
    milestone = act.save_milestone(actor=actor, idea=proposed, title="Pose des bancs",
                                   due_on=date(2027, 5, 1), progress=40, requests=[request])  # fmt: skip
    assert list(milestone.requests.all()) == [request]


def test_the_demo_consultation_has_its_participants_proposals_and_merges(w):
    import time

    from guichet.demo.participation import build_participation

    started = time.monotonic()
    report = build_participation()
    assert time.monotonic() - started < 60
    assert report.participants == 1400 and report.ideas == 169 and report.merges == 3
    demo = Idea.objects.exclude(consultation__in=[w.consultation, w.other])
    merged = demo.filter(state=Idea.State.MERGED)
    assert merged.count() == 6 and all(i.merged_into_id for i in merged)
    assert all(i.supports_count == i.supports.count() for i in demo)
    assert build_participation().ideas == 0  # idempotent: the second run adds nothing
    assert not Notification.objects.exists()  # a replayed past tells nobody


def test_a_blocked_author_can_neither_propose_comment_nor_support_until_unblocked(w):
    from guichet.participation.actions import moderation
    from guichet.participation.eligibility import NotAllowed

    proposed = idea(w)
    by = Actor.system()
    moderation.block(authority=w.consultation.authority, person=w.david, by=by, reason="Insultes")
    for call, kw in [
        (idea, {"w": w, "person": w.david}),
        (act.comment_idea, {"idea": proposed, "person": w.david, "text": "Bonne idée"}),
        (act.support_idea, {"idea": proposed, "person": w.david}),
    ]:
        with pytest.raises(NotAllowed, match="suspendu vos contributions") as caught:
            call(**kw)
        assert caught.value.needs == "blocked"
    moderation.unblock(authority=w.consultation.authority, person=w.david, by=by)
    act.support_idea(idea=proposed, person=w.david)
    proposed.refresh_from_db()
    assert proposed.supports_count == 1
