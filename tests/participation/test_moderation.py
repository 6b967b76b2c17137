"""Moderation: anyone reports, moderators hide with a reason shown in place of the content on
every page, restore, keep, accept pre-moderated statements, block an author; one event each."""

from __future__ import annotations

import pytest
from django.urls import reverse
from support import built_for_the_module, refreshed

from guichet.core.journal import Actor
from guichet.core.models import Event, User
from guichet.participation.actions import moderation as actions
from guichet.participation.actions import opinion, petitions
from guichet.participation.models.moderation import Report
from guichet.participation.opinion import tasks
from guichet.participation.refusals import Refused

from .p2world import build


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, build) as world:
        yield world


@pytest.fixture
def world(_world, db):
    return refreshed(_world)


SECRET = "Texte injurieux à masquer"


def open_petition(world, text=SECRET):
    petition = petitions.submit_petition(
        authority=world.sceaux, person=world.alice, title="Pétition à modérer", text=text,
        days_open=30,
    )  # fmt: skip
    return petitions.open_petition(petition=petition, by=Actor.agent(world.manager))


def test_a_report_from_a_visitor_reaches_the_queue(world, client):
    petition = open_petition(world)
    url = reverse("participation:report", kwargs={"kind": "petition", "pk": petition.pk})
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 400 and "Indiquez le motif" in empty.content.decode()
    assert client.post(url, {"reason": "Propos injurieux"}).status_code == 200
    assert Report.objects.get().reason == "Propos injurieux"
    client.force_login(world.manager)
    queue = client.get(reverse("participation_agents:moderation")).content.decode()
    assert "Propos injurieux" in queue and SECRET in queue
    missing = client.get(reverse("participation:report", kwargs={"kind": "nothing", "pk": 1}))
    assert missing.status_code == 404


def test_hidden_content_is_replaced_by_the_reason_on_every_public_page(world, client):
    petition = open_petition(world)
    statement = opinion.add_statement(
        consultation=world.consultation, person=world.alice, text=f"{SECRET} dans une affirmation"
    )
    opinion.vote(statement=statement, person=world.bob, value=1)
    tasks.recompute(world.consultation)
    actions.report(contribution=petition, reason="Injurieux")
    by = Actor.agent(world.manager)
    with pytest.raises(Refused, match="obligatoire"):
        actions.hide(contribution=petition, by=by, reason="")
    actions.hide(contribution=petition, by=by, reason="Propos injurieux")
    actions.hide(contribution=statement, by=by, reason="Hors charte")
    assert Report.objects.get().outcome == "hidden"
    pages = [
        reverse("participation:petitions"),
        reverse("participation:petition", kwargs={"pk": petition.pk}),
        reverse("participation:obligations"),
        reverse("participation:opinion", kwargs={"pk": world.consultation.pk}),
        reverse("participation:opinion_results", kwargs={"pk": world.consultation.pk}),
        reverse("participation:report", kwargs={"kind": "petition", "pk": petition.pk}),
    ]
    for url in pages:
        text = client.get(url).content.decode()
        assert SECRET not in text, url
    detail = client.get(pages[1]).content.decode()
    assert "Contenu masqué par la modération : Propos injurieux" in detail
    # restored, it shows again
    actions.restore(contribution=petition, by=by)
    assert SECRET in client.get(pages[1]).content.decode()
    kinds = list(
        Event.objects.filter(kind__startswith="participation.contribution-").values_list(
            "kind", flat=True
        )
    )
    assert sorted(kinds) == sorted([
        "participation.contribution-reported", "participation.contribution-hidden",
        "participation.contribution-hidden", "participation.contribution-restored",
    ])  # fmt: skip


def test_premoderated_statements_wait_for_acceptance(world):
    world.consultation.premoderation = True
    world.consultation.save()
    statement = opinion.add_statement(
        consultation=world.consultation, person=world.alice, text="Une affirmation à relire"
    )
    with pytest.raises(Refused, match="pas ouverte au vote"):
        opinion.vote(statement=statement, person=world.bob, value=1)
    statement = actions.accept(contribution=statement, by=Actor.agent(world.manager))
    opinion.vote(statement=statement, person=world.bob, value=1)
    with pytest.raises(Refused, match="n'attend pas"):
        actions.accept(contribution=statement, by=Actor.agent(world.manager))


def test_a_blocked_author_can_no_longer_contribute_until_unblocked(world):
    by = Actor.agent(world.manager)
    actions.block(authority=world.sceaux, person=world.bob, by=by, reason="Insultes répétées")
    with pytest.raises(Refused, match="déjà bloquée"):
        actions.block(authority=world.sceaux, person=world.bob, by=by, reason="Encore")
    with pytest.raises(Refused, match="suspendu"):
        opinion.add_statement(
            consultation=world.consultation, person=world.bob, text="Une affirmation de Bob"
        )
    petition = open_petition(world, text="Texte correct")
    with pytest.raises(Refused, match="suspendu"):
        petitions.sign(petition=petition, person=world.bob)
    actions.unblock(authority=world.sceaux, person=world.bob, by=by)
    petitions.sign(petition=petition, person=world.bob)
    assert Event.objects.filter(kind="participation.author-unblocked").count() == 1


def test_moderators_act_from_the_queue_and_others_are_refused(world, client):
    petition = open_petition(world)
    actions.report(contribution=petition, reason="Douteux")
    url = reverse("participation_agents:moderate", kwargs={"kind": "petition", "pk": petition.pk})
    client.force_login(world.manager)
    response = client.post(url, {"action": "keep"})
    assert response.status_code == 302
    assert Report.objects.get().outcome == "kept"
    client.post(url, {"action": "hide", "reason": "Finalement hors charte"})
    petition.refresh_from_db()
    assert petition.hidden_reason == "Finalement hors charte"
    client.post(url, {"action": "block", "reason": "Récidive"})
    assert Event.objects.filter(kind="participation.author-blocked").exists()
    stranger = User.objects.create_user("agent.antony", "a@exemple.fr", "x")
    client.force_login(stranger)
    assert client.post(url, {"action": "restore"}).status_code == 403
