"""Participation in the REST API: public reads without a key (hidden content never in the
bytes), writes with a key on behalf of a verified person, counted once, refused in French."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from support import built_for_the_module, refreshed

from guichet.api.keys import issue_key
from guichet.core import clock
from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.participation.actions import ideas as idea_actions
from guichet.participation.actions import moderation as moderation_actions
from guichet.participation.actions import opinion as opinion_actions
from guichet.participation.actions import petitions as petition_actions
from guichet.participation.models.ideas import Comment, Idea, Support
from guichet.participation.models.moderation import Report
from guichet.participation.models.opinion import Vote
from guichet.participation.models.petitions import PetitionRules, Signature
from guichet.participation.opinion import tasks
from guichet.people.models import Identity

from .p2world import SYSTEM, build, resident

API = "/api/v1/participation"
SECRET = "Propos injurieux à ne jamais publier"


def _build():
    w = build()
    w.key = issue_key(actor=SYSTEM, authority=w.sceaux, application="appli-sceaux",
                      scopes=["read", "write"])[1]  # fmt: skip
    w.read_key = issue_key(actor=SYSTEM, authority=w.sceaux, application="lecture-sceaux",
                           scopes=["read"])[1]  # fmt: skip
    w.antony_key = issue_key(actor=SYSTEM, authority=w.antony, application="appli-antony",
                             scopes=["read", "write"])[1]  # fmt: skip
    return w


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, _build) as world:
        yield world


@pytest.fixture
def world(_world, db, one_rate_window):
    return refreshed(_world)


def email(person) -> str:
    return person.identities.get(kind=Identity.Kind.EMAIL).value


def post(client, url, body, key, **headers):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    extra = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    extra.update(headers)
    return client.post(url, data, content_type="application/json", **extra)


def idea(world, person=None, title="Des bancs au parc", text="Plus de bancs à l'ombre."):
    return idea_actions.propose_idea(consultation=world.consultation,
                                     person=person or world.alice, title=title, text=text)  # fmt: skip


def opened_petition(world, percent="0.01"):
    PetitionRules.objects.update_or_create(
        authority=world.sceaux,
        defaults={"threshold_percent": Decimal(percent), "duty": "answer",
                  "answer_working_days": 10},
    )  # fmt: skip
    petition = petition_actions.submit_petition(
        authority=world.sceaux, person=world.alice, title="Un marché le dimanche",
        text="Nous demandons un marché alimentaire le dimanche matin.", days_open=30,
    )  # fmt: skip
    return petition_actions.open_petition(petition=petition, by=Actor.agent(world.manager))


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "code", "errors"} and body["detail"]
    if code:
        assert body["code"] == code, body
    return body


# --- keyless reads -------------------------------------------------------------------------


def test_consultations_are_read_without_a_key_with_their_phase_and_scope(world, client):
    listed = client.get(f"{API}/consultations")
    assert listed.status_code == 200
    assert listed["Cache-Control"] == "public, max-age=30"
    [row] = [c for c in listed.json() if c["id"] == world.consultation.pk]
    assert row["title"] == "L'avenir du centre-ville" and row["authority"] == "sceaux"
    assert row["scope"] == "authority" and row["scope_label"] == "Ville de Sceaux"
    assert row["state"] == "open" and row["current_phase"]["kind"] == "contributions"
    assert "proposer une idée" not in row["current_phase"]["open_actions"]  # codes, not labels
    assert "propose" in row["current_phase"]["open_actions"]
    assert client.get(f"{API}/consultations?collectivite=antony").json() == []
    assert client.get(f"{API}/consultations?etat=closed").json() == []
    detail = client.get(f"{API}/consultations/{world.consultation.pk}").json()
    assert [p["kind"] for p in detail["phases"]] == ["contributions"]
    assert detail["phases"][0]["state"] == "current"


def test_unknown_or_unpublished_consultations_are_404_in_the_api_shape(world, client):
    world.consultation.published = False
    world.consultation.save()
    assert_error(client.get(f"{API}/consultations/{world.consultation.pk}"), 404, "introuvable")
    assert_error(client.get(f"{API}/consultations/999999"), 404)
    assert_error(client.get(f"{API}/consultations/0"), 422)
    assert_error(client.get(f"{API}/consultations/abc"), 422)
    assert_error(client.get(f"{API}/consultations/{2**60}"), 422)
    assert_error(client.get(f"{API}/consultations?collectivite=Pas%20un%20slug"), 422)


def test_ideas_show_supports_status_and_genealogy(world, client):
    parent = idea(world)
    child = idea_actions.propose_idea(
        consultation=world.consultation, person=world.bob, title="Des bancs et des arbres",
        text="Des bancs, mais sous des arbres.", parent=parent, link_kind="expand",
    )  # fmt: skip
    idea_actions.support_idea(idea=parent, person=world.bob)
    rows = {i["id"]: i for i in client.get(f"{API}/consultations/{world.consultation.pk}/ideas")
            .json()}  # fmt: skip
    assert rows[parent.pk]["supports_count"] == 1 and rows[parent.pk]["state"] == "published"
    assert rows[parent.pk]["became"] == [
        {"idea": child.pk, "kind": "expand", "title": "Des bancs et des arbres"}
    ]
    assert rows[child.pk]["came_from"][0]["idea"] == parent.pk
    one = client.get(f"{API}/ideas/{child.pk}").json()
    assert one["text"] == "Des bancs, mais sous des arbres." and one["comments"] == []
    assert one["came_from"][0]["title"] == "Des bancs au parc"


def test_hidden_content_is_absent_from_every_json_byte(world, client):
    moderator = Actor.agent(world.manager)
    bad = idea(world, title=SECRET, text=SECRET)
    good = idea(world, title="Un kiosque à musique")
    comment = idea_actions.comment_idea(idea=good, person=world.bob, text=SECRET)
    idea_actions.comment_idea(idea=good, person=world.alice, text="Bonne idée", parent=comment)
    statement = opinion_actions.add_statement(
        consultation=world.consultation, person=world.bob, text=SECRET
    )
    petition = opened_petition(world)
    petition_actions.sign(petition=petition, person=world.alice)
    petition_actions.sign(petition=petition, person=world.bob)  # crosses: an obligation
    petition.text = SECRET
    petition.save(update_fields=["text"])
    for contribution in (bad, comment, statement, petition):
        moderation_actions.hide(contribution=contribution, by=moderator, reason="Injurieux")
    urls = [
        f"{API}/consultations", f"{API}/consultations/{world.consultation.pk}",
        f"{API}/consultations/{world.consultation.pk}/ideas", f"{API}/ideas/{bad.pk}",
        f"{API}/ideas/{good.pk}", f"{API}/consultations/{world.consultation.pk}/statements",
        f"{API}/petitions", f"{API}/obligations",
    ]  # fmt: skip
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET.encode() not in response.content, url
    shown = client.get(f"{API}/ideas/{good.pk}").json()
    assert shown["comments"][0]["hidden"] is True
    assert shown["comments"][0]["text"] == "Contenu masqué par la modération : Injurieux"
    assert shown["comments"][1] == {**shown["comments"][1], "text": "Bonne idée", "hidden": False}
    hidden_idea = client.get(f"{API}/ideas/{bad.pk}").json()
    assert hidden_idea["title"] == "Contenu masqué par la modération" and hidden_idea["hidden"]
    [listed] = [p for p in client.get(f"{API}/petitions").json() if p["id"] == petition.pk]
    assert listed["moderation_notice"] == "Contenu masqué par la modération : Injurieux"
    assert listed["signature_count"] == 2 and listed["threshold"] == 2
    assert listed["obligation"]["late"] is False and listed["obligation"]["due_at"]


def test_statements_carry_consensus_and_groups_after_the_task(world, client):
    rows = [
        opinion_actions.add_statement(consultation=world.consultation, person=world.alice,
                                      text=f"Affirmation numéro {i} sur le centre-ville")
        for i in range(6)
    ]  # fmt: skip
    people = [resident(world.sceaux_commune) for _ in range(10)]
    for n, person in enumerate(people):
        for i, statement in enumerate(rows):
            camp = 1 if n < 5 else -1
            opinion_actions.vote(statement=statement, person=person, value=1 if i == 0 else camp)
    tasks.recompute(world.consultation)
    data = client.get(f"{API}/consultations/{world.consultation.pk}/statements").json()
    assert data["participants"] == 10 and len(data["groups"]) >= 2
    assert sum(g["size"] for g in data["groups"]) == 10
    first = data["statements"][0]
    assert first["id"] == rows[0].pk and first["agree"] == 10 and first["consensus"] > 0.5


def test_late_obligations_show_late_on_the_public_list(world, client):
    petition = opened_petition(world)
    for person in (world.alice, world.bob):
        petition_actions.sign(petition=petition, person=person)
    petition.obligation.due_at = clock.now() - timedelta(days=1)
    petition.obligation.save()
    [row] = client.get(f"{API}/obligations").json()
    assert row["petition"] == petition.pk and row["late"] is True
    assert row["petition_title"] == "Un marché le dimanche" and row["duty"] == "answer"


# --- keyed writes --------------------------------------------------------------------------


def test_a_support_through_the_api_is_counted_once_and_can_be_withdrawn(world, client):
    target = idea(world)
    url = f"{API}/ideas/{target.pk}/support"
    first = post(client, url, {"email": email(world.bob)}, world.key)
    assert first.status_code == 200 and first.json()["supports_count"] == 1
    again = assert_error(post(client, url, {"email": email(world.bob)}, world.key), 409, "refus")
    assert "déjà" in again["detail"]
    assert Support.objects.filter(idea=target).count() == 1
    target.refresh_from_db()
    assert target.supports_count == 1
    withdrawn = post(client, url + "/withdraw", {"email": email(world.bob)}, world.key)
    assert withdrawn.status_code == 200 and withdrawn.json()["supports_count"] == 0
    assert Event.objects.filter(kind="participation.support-withdrawn").count() == 1


def test_a_retry_with_the_same_idempotency_key_proposes_once(world, client):
    url = f"{API}/consultations/{world.consultation.pk}/ideas"
    body = {"email": email(world.alice), "title": "Une piste cyclable", "text": "Rue Houdan."}
    first = post(client, url, body, world.key, HTTP_IDEMPOTENCY_KEY="essai-1")
    second = post(client, url, body, world.key, HTTP_IDEMPOTENCY_KEY="essai-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json() and first.json()["detail"] == "Idée publiée."
    assert Idea.objects.filter(title="Une piste cyclable").count() == 1
    created = Idea.objects.get(title="Une piste cyclable")
    assert created.author == world.alice
    assert (
        Event.objects.filter(kind="participation.idea-proposed", subject_id=created.pk).count() == 1
    )


def test_a_child_idea_and_a_threaded_comment_through_the_api(world, client):
    parent = idea(world)
    child = post(client, f"{API}/consultations/{world.consultation.pk}/ideas",
                 {"email": email(world.bob), "title": "Contre les bancs", "text": "Du bruit.",
                  "parent": parent.pk, "link_kind": "counter"}, world.key)  # fmt: skip
    assert child.status_code == 201
    became = client.get(f"{API}/ideas/{parent.pk}").json()["became"]
    assert became == [{"idea": child.json()["id"], "kind": "counter", "title": "Contre les bancs"}]
    url = f"{API}/ideas/{parent.pk}/comments"
    top = post(client, url, {"email": email(world.bob), "text": "Où exactement ?"}, world.key)
    assert top.status_code == 201
    reply = post(client, url, {"email": email(world.alice), "text": "Près du lac.",
                               "parent": top.json()["id"]}, world.key)  # fmt: skip
    assert reply.status_code == 201
    assert Comment.objects.get(pk=reply.json()["id"]).parent_id == top.json()["id"]
    elsewhere = idea(world, title="Autre idée")
    stray = post(client, f"{API}/ideas/{elsewhere.pk}/comments",
                 {"email": email(world.bob), "text": "x", "parent": top.json()["id"]}, world.key)  # fmt: skip
    assert assert_error(stray, 422)["errors"][0]["field"] == "parent"


def test_votes_and_signatures_are_counted_once(world, client):
    statement = opinion_actions.add_statement(
        consultation=world.consultation, person=world.alice, text="Plus d'arbres place du marché"
    )
    url = f"{API}/statements/{statement.pk}/votes"
    assert (
        post(client, url, {"email": email(world.bob), "value": "agree"}, world.key).status_code
        == 201
    )
    twice = post(client, url, {"email": email(world.bob), "value": "disagree"}, world.key)
    assert "premier vote compte" in assert_error(twice, 409)["detail"]
    assert list(Vote.objects.filter(statement=statement).values_list("value", flat=True)) == [1]
    petition = opened_petition(world, percent="1")
    url = f"{API}/petitions/{petition.pk}/signatures"
    signed = post(client, url, {"email": email(world.bob)}, world.key)
    assert signed.status_code == 200 and signed.json()["signature_count"] == 1
    assert_error(post(client, url, {"email": email(world.bob)}, world.key), 409)
    outsider = assert_error(post(client, url, {"email": email(world.outsider)}, world.key), 409)
    assert "réservée aux personnes" in outsider["detail"]
    assert Signature.objects.filter(petition=petition).count() == 1


def test_after_the_phase_closed_writes_are_refused_with_the_date(world, client):
    target = idea(world)
    world.consultation.phases.update(ends_at=clock.now() - timedelta(minutes=1))
    body = {"email": email(world.alice), "title": "Trop tard", "text": "Trop tard."}
    late = post(client, f"{API}/consultations/{world.consultation.pk}/ideas", body, world.key)
    assert "n'est pas ouverte en ce moment" in assert_error(late, 409, "etape_fermee")["detail"]
    support = post(client, f"{API}/ideas/{target.pk}/support", {"email": email(world.bob)},
                   world.key)  # fmt: skip
    assert_error(support, 409, "etape_fermee")
    assert not Idea.objects.filter(title="Trop tard").exists()
    assert not Support.objects.filter(idea=target).exists()


def test_an_unverified_or_unknown_person_is_refused(world, client):
    target = idea(world)
    url = f"{API}/ideas/{target.pk}/support"
    for address in (email(world.unverified), "personne@exemple.fr"):
        refused = assert_error(post(client, url, {"email": address}, world.key), 403,
                               "personne_non_verifiee")  # fmt: skip
        assert "vérifié ce courriel" in refused["detail"]
    bad = assert_error(post(client, url, {"email": "pas-un-courriel"}, world.key), 422)
    assert bad["errors"][0]["field"] == "email"
    assert not Support.objects.filter(idea=target).exists()


def test_writes_need_a_write_key_of_the_consultations_authority(world, client):
    target = idea(world)
    url = f"{API}/ideas/{target.pk}/support"
    body = {"email": email(world.bob)}
    assert_error(post(client, url, body, None), 401, "non_authentifie")
    assert_error(post(client, url, body, world.read_key), 403)
    assert_error(post(client, url, body, world.antony_key), 403, "hors_competence")
    assert_error(post(client, url, body, "gu_faux.secret"), 401)
    assert not Support.objects.filter(idea=target).exists()


def test_reports_reach_the_moderators_and_unreadable_ones_are_404(world, client):
    target = idea(world)
    made = post(client, f"{API}/reports",
                {"kind": "idea", "id": target.pk, "reason": "Hors sujet"}, world.key)  # fmt: skip
    assert made.status_code == 201
    assert Report.objects.get(pk=made.json()["id"]).reason == "Hors sujet"
    named = post(client, f"{API}/reports", {"kind": "idea", "id": target.pk, "reason": "Spam",
                                            "email": email(world.bob)}, world.key)  # fmt: skip
    assert Report.objects.get(pk=named.json()["id"]).reporter == world.bob
    empty = post(client, f"{API}/reports", {"kind": "idea", "id": target.pk, "reason": " "},
                 world.key)  # fmt: skip
    assert assert_error(empty, 422)["errors"][0]["field"] == "reason"
    for kind in ("idea", "comment", "statement", "petition"):
        assert_error(post(client, f"{API}/reports", {"kind": kind, "id": 999999, "reason": "x"},
                          world.key), 404)  # fmt: skip


HOSTILE = [
    "{not json",
    "[]",
    "null",
    json.dumps({"email": 12}),
    json.dumps({"email": ["a@b.fr"]}),
    json.dumps({"email": {"$ne": None}}),
    json.dumps({"email": "a\u0000@exemple.fr"}),
    json.dumps({"email": "a@exemple.fr", "admin": True}),
    json.dumps({"email": "x" * 100_000 + "@exemple.fr"}),
    b"\xff\xfe\x00\x00",
    "",
]


@pytest.mark.parametrize("body", HOSTILE)
def test_hostile_bodies_are_4xx_in_the_api_shape_and_write_nothing(world, client, body):
    target = idea(world)
    for url in (f"{API}/ideas/{target.pk}/support", f"{API}/ideas/{target.pk}/comments",
                f"{API}/consultations/{world.consultation.pk}/ideas", f"{API}/reports",
                f"{API}/statements/1/votes", f"{API}/petitions/1/signatures", f"{API}/petitions",
                f"{API}/consultations/{world.consultation.pk}/statements"):  # fmt: skip
        response = post(client, url, body, world.key)
        assert 400 <= response.status_code < 500, (url, body, response.content[:200])
        assert set(response.json()) == {"detail", "code", "errors"}
    assert not Support.objects.filter(idea=target).exists()
    assert not Comment.objects.exists() and not Report.objects.exists()


@pytest.mark.parametrize("fields", [
    {"title": 5, "text": "x"}, {"title": "x" * 141, "text": "x"}, {"title": "", "text": ""},
    {"title": "Titre", "text": "x", "latitude": "nord"}, {"title": "T", "text": "x", "latitude": 1e309},
    {"title": "T", "text": "x", "parent": -1}, {"title": "T", "text": "x", "link_kind": "merge"},
    {"title": "T", "text": "x", "category": "Inconnue"}, {"title": "T", "text": "x", "parent": 2**63},
    {"title": "T\u0000", "text": "x"}, {"title": "T", "text": "x" * 10_001},
])  # fmt: skip
def test_bad_idea_fields_are_refused_field_by_field(world, client, fields):
    world.consultation.categories = ["Mobilités", "Nature"]
    world.consultation.save()
    url = f"{API}/consultations/{world.consultation.pk}/ideas"
    response = post(client, url, {"email": email(world.alice), **fields}, world.key)
    assert 400 <= response.status_code < 500, response.content
    assert set(response.json()) == {"detail", "code", "errors"}
    assert not Idea.objects.filter(author=world.alice).exists()


def test_statements_and_petitions_are_proposed_through_the_api(world, client):
    url = f"{API}/consultations/{world.consultation.pk}/statements"
    made = post(client, url, {"email": email(world.bob), "text": "Des terrasses plus larges"},
                world.key)  # fmt: skip
    assert made.status_code == 201 and made.json()["detail"] == "Affirmation proposée au vote."
    again = post(client, url, {"email": email(world.alice), "text": "des terrasses plus larges"},
                 world.key)  # fmt: skip
    assert "déjà été proposée" in assert_error(again, 422)["errors"][0]["message"]
    body = {"email": email(world.alice), "collectivite": "sceaux", "title": "Un marché bio",
            "text": "Un marché bio le samedi.", "days_open": 30}  # fmt: skip
    started = post(client, f"{API}/petitions", body, world.key)
    assert started.status_code == 201
    assert Event.objects.filter(kind="participation.petition-submitted").count() == 1
    # Bob only verified his e-mail: starting a petition asks for a verified identity
    weaker = post(client, f"{API}/petitions", {**body, "email": email(world.bob)}, world.key)
    assert "identité vérifiée" in assert_error(weaker, 409)["detail"]
    elsewhere = post(client, f"{API}/petitions", {**body, "collectivite": "antony"}, world.key)
    assert_error(elsewhere, 403, "hors_competence")
    assert_error(post(client, f"{API}/petitions", {**body, "days_open": 0}, world.key), 422)
    # pending: not in the public list
    assert all(p["title"] != "Un marché bio" for p in client.get(f"{API}/petitions").json())
