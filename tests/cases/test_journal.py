"""Every action appends exactly one event: a process-mining log with the right columns."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from guichet.cases import actions
from guichet.core.clock import frozen_at
from guichet.core.journal import Actor
from guichet.core.models import Event

from .factories import bring_to, file_request, form_for, pdf, service

MOMENT = datetime(2026, 3, 10, 14, 5, tzinfo=ZoneInfo("Europe/Paris"))


def agent(world):
    return Actor.agent(world.agent_sceaux)


def person(world):
    return Actor.person(world.alice)


# name → (what the action does to a request already filed, kind, channel, visible, actor)
ACTIONS = {
    "take in charge": (
        lambda w, r: actions.change_status(request=r, to="in_progress", actor=agent(w), role="case_handler"),
        "request.status_changed", "", True, "agent",
    ),
    "qualify (hidden from the person)": (
        lambda w, r: actions.change_status(request=r, to="qualified", actor=agent(w), role="front_desk"),
        "request.status_changed", "", False, "agent",
    ),
    "status change taken on the phone": (
        lambda w, r: actions.change_status(
            request=r, to="cancelled", actor=person(w), role="person", channel="phone"
        ),
        "request.status_changed", "phone", True, "person",
    ),
    "assign": (
        lambda w, r: actions.assign(request=r, actor=agent(w), team=w.sceaux_voirie, assignee=w.agent_sceaux),
        "request.assigned", "", False, "agent",
    ),
    "hand off": (
        lambda w, r: actions.hand_off(request=r, to_authority=w.ept, reason="Pas notre compétence.", actor=agent(w)),
        "request.handed_off", "", True, "agent",
    ),
    "repeat contact by phone": (
        lambda w, r: actions.record_contact(request=r, channel="phone", actor=agent(w), note="Où en est-on ?"),
        "request.contact_recorded", "phone", False, "agent",
    ),
    "repeat contact by e-mail": (
        lambda w, r: actions.record_contact(request=r, channel="email", actor=person(w)),
        "request.contact_recorded", "email", False, "person",
    ),
    "link": (
        lambda w, r: actions.link_requests(request=r, other=file_request(w), actor=agent(w)),
        "request.linked", "", False, "agent",
    ),
    "merge a duplicate": (
        lambda w, r: actions.merge_request(child=r, parent=file_request(w), actor=agent(w)),
        "cases.request-merged", "", True, "agent",
    ),
    "message to the person": (
        lambda w, r: actions.send_message(request=r, actor=agent(w), body="Bonjour.", files=[pdf()]),
        "request.message_sent", "", True, "agent",
    ),
    "internal note": (
        lambda w, r: actions.add_note(request=r, actor=agent(w), body="À vérifier."),
        "request.note_added", "", False, "agent",
    ),
    "person replies by e-mail": (
        lambda w, r: actions.reply_as_person(request=r, actor=person(w), body="Merci.", channel="email"),
        "request.person_replied", "email", True, "person",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", ACTIONS)
def test_each_action_appends_exactly_one_event_with_its_columns(world, name):
    do, kind, channel, visible, actor_type = ACTIONS[name]
    # given a request filed on the web
    request = file_request(world, "question-generale")
    authority_before = request.authority_id
    before = set(Event.objects.values_list("pk", flat=True))
    # when the action is taken at a known moment
    with frozen_at(MOMENT):
        do(world, request)
    # then exactly one event was appended, with the case, the authority handling it now,
    # the person, the channel, the activity, the resource and the moment
    [event] = Event.objects.exclude(pk__in=before).exclude(kind="request.received")
    request.refresh_from_db()
    assert event.kind == kind
    assert event.case_id == request.pk
    assert event.authority_id == request.authority_id
    assert event.person_id == world.alice.pk
    assert event.channel == channel
    assert event.visible_to_person is visible
    assert event.actor_type == actor_type
    assert event.resource == (
        world.agent_sceaux.username if actor_type == "agent" else f"usager:{world.alice.pk}"
    )
    assert event.occurred_at == MOMENT
    if name == "hand off":
        assert event.authority_id == world.ept.pk != authority_before


def test_the_link_action_writes_nothing_else(world):
    # the "link" row above files a second request inside the action's block: check it apart
    first, second = file_request(world), file_request(world)
    before = Event.objects.count()
    actions.link_requests(request=first, other=second, actor=agent(world))
    assert Event.objects.count() == before + 1


@pytest.mark.parametrize(
    ("channel", "filed_by", "actor_type"),
    [
        ("web", None, "person"),
        ("counter", "front_desk_sceaux", "agent"),
        ("phone", "front_desk_sceaux", "agent"),
        ("email", None, "person"),
    ],
)
def test_receipt_is_one_event_on_the_channel_of_the_request(world, channel, filed_by, actor_type):
    # given a road report arriving on a channel
    before = Event.objects.count()
    filer = getattr(world, filed_by) if filed_by else None
    # when it is filed
    with frozen_at(MOMENT):
        request = actions.submit_request(
            service=service("signalement-voirie"), person=world.alice, channel=channel,
            actor=Actor.agent(filer) if filer else Actor.person(world.alice),
            form_data=form_for("signalement-voirie"), commune=world.sceaux_commune,
            filed_by=filer,
        )  # fmt: skip
    # then exactly one "received" event carries the case, authority, person and channel
    assert Event.objects.count() == before + 1
    event = Event.objects.get(case_id=request.pk)
    assert (event.kind, event.channel, event.actor_type) == (
        "request.received",
        channel,
        actor_type,
    )
    assert (event.authority_id, event.person_id) == (world.sceaux.pk, world.alice.pk)
    assert event.occurred_at == request.received_at == MOMENT
    assert event.payload["reference"] == request.reference
    assert event.payload["service"] == "signalement-voirie"
    assert request.channel == channel


def test_a_reply_that_restarts_the_clock_is_still_one_event(world):
    # given a request waiting for the person
    request = bring_to(world, file_request(world, "question-generale"), "waiting_user")
    before = Event.objects.count()
    # when the person replies (which moves the request back to the agents)
    actions.reply_as_person(request=request, actor=person(world), body="Voici l'adresse.")
    # then one event records both the reply and the move
    assert Event.objects.count() == before + 1
    event = Event.objects.latest("id")
    assert event.kind == "request.person_replied"
    assert (event.payload["source"], event.payload["target"]) == ("waiting_user", "in_progress")


def test_the_journal_of_a_case_reads_as_an_event_log(world):
    # given a request's life: received, taken, question, reply, resolved
    request = file_request(world, "question-generale")
    request = bring_to(world, request, "waiting_user")
    actions.reply_as_person(request=request, actor=person(world), body="Voici.")
    request = actions.change_status(
        request=request, to="resolved", actor=agent(world), role="case_handler", note="Fait."
    )
    # when its events are read as a process-mining log
    log = list(
        Event.objects.filter(case_id=request.pk)
        .order_by("occurred_at", "id")
        .values_list("kind", "payload__target")
    )
    # then each step is one activity, in order
    assert log == [
        ("request.received", None),
        ("request.status_changed", "in_progress"),
        ("request.status_changed", "waiting_user"),
        ("request.person_replied", "in_progress"),
        ("request.status_changed", "resolved"),
    ]
