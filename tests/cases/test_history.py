"""The demo history: months of requests replayed through the real actions, in the past."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import override_settings
from support import built_for_the_module

from guichet.cases.models import Request
from guichet.core.models import Event
from guichet.demo.history import build_history
from guichet.demo.world import build_world
from guichet.people.models import Person

PARIS = ZoneInfo("Europe/Paris")
UNTIL = datetime(2026, 6, 15, 12, 0, tzinfo=PARIS)
SIGNATURE = ("received_at", "service__slug", "channel", "person_id", "state")


def replay(seed: int = 7):
    return build_history(months=1, requests=60, seed=seed, until=UNTIL)


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker, tmp_path_factory):
    def build():
        build_world(population=80, seed=3)
        return replay()

    with (
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        built_for_the_module(django_db_blocker, build) as report,
    ):
        yield report


@pytest.fixture
def replayed(history, db):
    return history


def request_events():
    return Event.objects.filter(kind__startswith="request.", case_id__isnull=False)


def test_the_requested_number_of_requests_is_filed(replayed):
    # given a one-month history of 60 requests
    # then (nearly) all were filed, the rest refused by the real intake checks
    assert replayed.filed + replayed.refused == 60
    assert replayed.filed >= 55
    assert Request.objects.count() == replayed.filed
    assert request_events().filter(kind="request.received").count() == replayed.filed


def test_requests_come_on_every_main_channel_web_first(replayed):
    channels = Counter(Request.objects.values_list("channel", flat=True))
    assert {"web", "phone", "counter"} <= set(channels)
    assert channels.most_common(1)[0][0] == "web"
    # agent channels are typed by a front-desk agent
    typed = Request.objects.filter(channel__in=["phone", "counter", "mail"])
    assert not typed.filter(filed_by__isnull=True).exists()


def test_events_are_in_the_past_and_in_order_for_each_case(replayed):
    # given the journal of every request
    events = list(request_events().order_by("case_id", "id").values_list("case_id", "occurred_at"))
    # then everything happened before the end of the history and within the month
    assert all(moment <= UNTIL for _, moment in events)
    assert min(moment for _, moment in events) >= datetime(2026, 5, 1, tzinfo=PARIS)
    # and each case's events were appended in time order, starting with its receipt
    by_case: dict[int, list[datetime]] = {}
    for case_id, moment in events:
        by_case.setdefault(case_id, []).append(moment)
    assert all(moments == sorted(moments) for moments in by_case.values())
    for request in Request.objects.all():
        assert by_case[request.pk][0] == request.received_at


def test_agents_work_in_working_hours(replayed):
    # given the status changes made by agents
    moves = request_events().filter(kind="request.status_changed", actor_type="agent")
    assert moves.exists()
    # then they all happen on weekdays between 8:30 and 17:30 in Paris
    for moment in moves.values_list("occurred_at", flat=True):
        local = moment.astimezone(PARIS)
        assert local.weekday() < 5
        assert time(8, 30) <= local.time() <= time(17, 30)


def test_slow_requests_bring_repeat_contacts(replayed):
    # given the requests with and without repeat contacts
    contacted = set(
        request_events().filter(kind="request.contact_recorded").values_list("case_id", flat=True)
    )
    assert contacted, "a month of history has some repeat contacts"
    channels = set(
        request_events().filter(kind="request.contact_recorded").values_list("channel", flat=True)
    )
    assert channels <= {"phone", "counter", "email"}

    def waited(request):
        return ((request.resolved_at or UNTIL) - request.received_at).total_seconds()

    requests = list(Request.objects.all())
    # then the requests people chased had waited longer than the others
    slow = statistics.median(waited(r) for r in requests if r.pk in contacted)
    other = statistics.median(waited(r) for r in requests if r.pk not in contacted)
    assert slow > other


def test_the_queue_shows_life_at_the_end(replayed):
    # given the state of the requests at the end of the history
    states = Counter(Request.objects.values_list("state", flat=True))
    # then recent ones are still open, older ones resolved or closed
    assert replayed.still_open == sum(
        states[s] for s in ("received", "qualified", "in_progress", "waiting_user")
    )
    assert replayed.still_open > 0
    assert states["resolved"] + states["closed"] > 0
    assert replayed.steps["taken"] > 0


def test_the_same_seed_replays_the_same_history(replayed):
    # given the history built with seed 7
    first = list(Request.objects.order_by("received_at").values_list(*SIGNATURE))
    with transaction.atomic():
        # when it is replayed again from scratch with the same seed
        Event.objects.all().delete()
        Request.objects.all().delete()
        again = replay(seed=7)
        second = list(Request.objects.order_by("received_at").values_list(*SIGNATURE))
        # and with another seed
        Event.objects.all().delete()
        Request.objects.all().delete()
        replay(seed=8)
        other = list(Request.objects.order_by("received_at").values_list(*SIGNATURE))
        transaction.set_rollback(True)
    # then the same seed gives the same requests, another seed others
    assert again.filed == replayed.filed
    assert second == first
    assert other != first


def test_without_demo_persons_it_says_what_to_do(replayed):
    # given a platform whose persons live outside the demo communes
    Person.objects.update(commune=None)
    # when the history is asked for
    # then it says, in French, to build the demo world first
    with pytest.raises(ValueError, match="construisez d'abord le monde"):
        build_history(months=1, requests=5, until=UNTIL)


def test_the_replayed_past_and_the_demo_bookings_queue_no_notification(replayed):
    # given the demo world (with its booked appointments) and a month of replayed history
    from guichet.appointments.models import Appointment
    from guichet.notifications.models import Notification

    assert Appointment.objects.exists()
    assert request_events().filter(kind="request.status_changed").exists()
    # then nobody is told about that made-up past: the outbox is empty
    assert Notification.objects.count() == 0


def test_a_request_filed_after_the_replay_still_notifies(replayed):
    # given the replayed demo, and a resident with an e-mail address
    import random

    from guichet.cases import actions
    from guichet.catalogue.formdef import parse_form_definition
    from guichet.catalogue.models import Service
    from guichet.core.journal import Actor
    from guichet.demo.answers import answer
    from guichet.notifications.models import Notification
    from guichet.people.models import Identity
    from guichet.people.selectors import notification_choices

    person = next(
        p
        for p in Person.objects.filter(identities__kind=Identity.Kind.EMAIL).order_by("pk")
        if notification_choices(p).consents["notifications"].granted
    )
    service = Service.objects.get(slug="question-generale")
    rng = random.Random(1)
    fields = parse_form_definition(service.form_definition).fields
    answers = {f.name: v for f in fields if (v := answer(rng, f, person)) is not None}
    # when the resident files a request now
    request = actions.submit_request(
        service=service, person=person, channel="web", actor=Actor.person(person),
        form_data=answers, commune=person.commune,
    )  # fmt: skip
    # then its receipt is queued for the resident, as on any day
    queued = Notification.objects.filter(request=request)
    assert queued.filter(channel="email").count() == 1
