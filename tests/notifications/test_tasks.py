"""The Tasks API wiring: a queued notification wakes the worker once per transaction, the
worker runs the task and delivers over SMTP, periodic jobs run once per interval, and the
batch `sent` marks keep the claim guards (ADR 0007)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from cases.factories import SYSTEM, file_request, person
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from guichet.core import clock, journal
from guichet.core.models import Event
from guichet.notifications import actions, delivery, tasks
from guichet.notifications.delivery import message_id
from guichet.notifications.models import Notification
from guichet.notifications.outbox import enqueue
from guichet.people import actions as people

calls: list[str] = []


def record_call() -> None:
    """The periodic job of these tests."""
    calls.append("called")


def path_of(function) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def queue_emails(someone, count: int, prefix: str = "t") -> list[Notification]:
    return [
        enqueue(
            person=someone,
            channel="email",
            message_kind="status",
            variables={"reference": f"REF-{prefix}{n}"},
            idempotency_key=f"{prefix}:{n}",
        )  # fmt: skip
        for n in range(count)
    ]


def wake_ups() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=tasks.deliver_outbox.module_path))


@pytest.fixture
def chloe(db):
    return person("Chloé", "Petit", email="chloe@exemple.fr")


def test_queued_notifications_wake_the_worker_once_and_its_run_delivers_them(
    chloe, smtp_server, django_capture_on_commit_callbacks
):
    # given three e-mails queued in one transaction
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        queued = queue_emails(chloe, 3)
    # then one wake-up task waits in the database backend
    [waiting] = wake_ups()
    assert waiting.status == TaskResultStatus.READY
    # when the worker runs
    call_command("worker", once=True, verbosity=0)
    # then the task ran and delivered the three, each once, to the SMTP server
    waiting.refresh_from_db()
    assert waiting.status == TaskResultStatus.SUCCESSFUL
    assert waiting.return_value == 3
    assert sorted(str(m["Message-ID"]) for m in smtp_server.messages) == sorted(
        message_id(n) for n in queued
    )
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_a_commit_while_a_wake_up_waits_enqueues_no_second_one(
    chloe, django_capture_on_commit_callbacks
):
    # given a wake-up already waiting for a worker
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        queue_emails(chloe, 1, "a")
    # when two more transactions queue messages
    for prefix in ("b", "c"):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            queue_emails(chloe, 2, prefix)
    # then the single waiting wake-up covers them all
    assert len(wake_ups()) == 1


def test_a_transaction_registers_one_commit_callback_however_many_rows(
    chloe, django_capture_on_commit_callbacks
):
    # given a transaction queueing many messages
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        queue_emails(chloe, 5)
    # then a single enqueue is scheduled for its commit
    assert len(callbacks) == 1


def test_a_rolled_back_transaction_wakes_nobody(chloe, django_capture_on_commit_callbacks):
    # given messages queued in a transaction that fails
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue_emails(chloe, 2)
        raise RuntimeError("boom")
    # then neither the rows nor a wake-up exist
    assert not Notification.objects.exists()
    assert wake_ups() == []


def test_a_broadcast_wakes_the_worker(world, django_capture_on_commit_callbacks):
    # given a person of Sceaux who accepts information messages
    someone = person("Oui", "Test", email="oui@exemple.fr", commune=world.sceaux_commune)
    people.record_consent(
        actor=SYSTEM, person=someone, purpose="broadcast", granted=True, source="test"
    )
    # when the town hall broadcasts
    with django_capture_on_commit_callbacks(execute=True):
        actions.broadcast(
            authority=world.sceaux, actor=SYSTEM, message="Travaux rue Houdan.",
            channels=["email"],
        )  # fmt: skip
    # then a wake-up waits for the worker
    assert len(wake_ups()) == 1


def test_periodic_jobs_run_at_start_then_once_per_interval():
    # given a job every ten minutes
    calls.clear()
    start = clock.now()
    runner = tasks.Periodic({path_of(record_call): 600})
    # when the worker loop asks at start, after 9 min 59 s, and after 10 min
    for seconds, expected in ((0, 1), (1, 1), (599, 1), (600, 2), (601, 2), (1200, 3)):
        with clock.frozen_at(start + timedelta(seconds=seconds)):
            runner.run_due()
        # then the job ran once per interval
        assert len(calls) == expected, seconds


def test_a_periodic_job_that_does_not_exist_is_skipped_with_a_log_line(caplog):
    # given a job path that does not resolve, next to one that does
    calls.clear()
    with caplog.at_level(logging.WARNING, logger="guichet.notifications.tasks"):
        runner = tasks.Periodic({"guichet.appointments.nowhere.job": 60, path_of(record_call): 60})
    # when the runner runs
    assert runner.run_due() == 1
    # then the other job ran and the missing one was reported
    assert calls == ["called"]
    assert "guichet.appointments.nowhere.job" in caplog.text


def test_a_failing_periodic_job_does_not_stop_the_others(caplog):
    calls.clear()
    runner = tasks.Periodic({path_of(explode): 60, path_of(record_call): 60})
    with caplog.at_level(logging.ERROR, logger="guichet.notifications.tasks"):
        runner.run_due()
    assert calls == ["called"]
    assert "failed" in caplog.text


def explode() -> None:
    raise RuntimeError("boom")


def test_the_worker_command_runs_the_configured_periodic_jobs(db, settings):
    # given the setting naming a test job
    calls.clear()
    settings.GUICHET_WORKER_PERIODIC = {path_of(record_call): 600}
    # when the worker runs once with periodic jobs (--once alone skips them)
    call_command("worker", once=True, verbosity=0)
    assert calls == []
    call_command("worker", once=True, periodic=True, verbosity=0)
    # then the job ran once
    assert calls == ["called"]


def test_with_another_task_backend_the_worker_says_to_run_its_workers_and_still_delivers(
    chloe, smtp_server, settings, capsys
):
    # given a non-database task backend (standing for RQ or Celery) and a queued e-mail
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with transaction.atomic():
        queue_emails(chloe, 1)
    # when the worker runs
    call_command("worker", once=True, verbosity=1)
    # then it tells the operator to run the backend's workers, and its sweep delivers
    assert "lancez aussi les workers de ce moteur" in capsys.readouterr().out
    assert len(smtp_server.messages) == 1


def test_batch_marks_skip_a_row_whose_lease_was_taken_over(chloe, settings):
    # given two e-mails claimed by a first worker
    settings.GUICHET_NOTIFICATIONS_LEASE_SECONDS = 60
    queue_emails(chloe, 2)
    start = clock.now()
    with clock.frozen_at(start):
        first = delivery.claim(limit=10)
    assert [n.attempts for n in first] == [1, 1]
    # and the second one taken back by another worker after the lease ran out
    later = start + timedelta(seconds=61)
    Notification.objects.filter(pk=first[0].pk).update(claimed_until=later)
    with clock.frozen_at(later):
        second = delivery.claim(limit=10)
    assert [n.pk for n in second] == [first[1].pk]
    # when the first worker marks both sent
    with clock.frozen_at(later):
        marked = actions.record_sent_many(sent=[(n, message_id(n)) for n in first])
    # then only the row it still holds is marked, with one timeline event
    assert marked == 1
    taken = Notification.objects.get(pk=first[1].pk)
    assert (taken.status, taken.attempts) == ("sending", 2)
    kept = Notification.objects.get(pk=first[0].pk)
    assert (kept.status, kept.provider_message_id) == ("sent", message_id(kept))
    assert list(Event.objects.filter(kind="notification.sent").values_list("subject_id")) == [
        (kept.pk,)
    ]
    # and marking again changes nothing (idempotent)
    assert actions.record_sent_many(sent=[(first[0], message_id(first[0]))]) == 0
    assert Event.objects.filter(kind="notification.sent").count() == 1


def test_batch_sent_events_carry_what_the_request_timeline_shows(world, smtp_server):
    # given a request filed by a person with an e-mail (its receipt is queued)
    request = file_request(world)
    queued = Notification.objects.filter(request=request, channel="email")
    assert queued.exists()
    # when the worker delivers
    call_command("worker", once=True, verbosity=0)
    # then each sent e-mail has one agent-only event on the request, like `record_sent`
    for notification in queued:
        event = Event.objects.get(kind="notification.sent", subject_id=notification.pk)
        assert (event.case_id, event.person_id, event.authority_id) == (
            request.pk, notification.person_id, notification.authority_id,
        )  # fmt: skip
        assert event.visible_to_person is False
        assert event.payload["provider_message_id"] == message_id(notification)


def test_nothing_listens_to_sent_events_so_the_bulk_insert_skips_no_listener():
    # `record_sent_many` inserts the events in bulk instead of calling journal.append
    assert not [p for p, _ in journal._listeners if "notification.sent".startswith(p)]
    assert not [p for p, _ in journal._in_transaction if "notification.sent".startswith(p)]


def test_parallel_smtp_sessions_keep_each_persons_messages_in_order(db, smtp_server, settings):
    # given several e-mails for each of three persons
    settings.GUICHET_NOTIFICATIONS_SMTP_SESSIONS = 4
    persons = [person(f"P{n}", "Test", email=f"p{n}@exemple.fr") for n in range(3)]
    for step in range(4):
        for someone in persons:
            queue_emails(someone, 1, f"{someone.pk}-{step}-")
    # when the worker delivers them over four sessions
    call_command("worker", once=True, verbosity=0)
    # then all arrived once, and each person's in the order they were queued
    assert len(smtp_server.messages) == 12
    for someone in persons:
        address = f"{someone.first_name.lower()}@exemple.fr"
        subjects = [m["Subject"] for m in smtp_server.messages if m["To"] == address]
        assert len(subjects) == 4
        assert subjects == sorted(subjects)


def test_delivered_emails_carry_the_requests_reply_to_and_their_calendar_file(
    world, smtp_server, settings
):
    # given an inbound mail domain, a request's receipt, and a message with a calendar file
    settings.GUICHET_INBOUND_MAIL_DOMAIN = "guichet.exemple.fr"
    request = file_request(world)
    [invitation] = queue_emails(world.alice, 1, "rdv")
    Notification.objects.filter(pk=invitation.pk).update(
        ics="BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    )
    # when the worker delivers them
    call_command("worker", once=True, verbosity=0)
    # then the receipt answers to the request's address and the other carries its file
    by_id = {str(m["Message-ID"]): m for m in smtp_server.messages}
    receipt = Notification.objects.get(request=request, channel="email")
    assert by_id[message_id(receipt)]["Reply-To"] == (
        f"demande+{request.reference}@guichet.exemple.fr"
    )
    [attachment] = list(by_id[message_id(invitation)].iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert by_id[message_id(invitation)]["Reply-To"] is None


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ({"processes": 0}, "--processes doit valoir au moins 1."),
        ({"batch": 0}, "--batch doit valoir au moins 1."),
        ({"smtp_sessions": 0}, "--smtp-sessions doit valoir au moins 1."),
        ({"idle": -1}, "--idle ne peut pas être négatif."),
    ],
)
def test_the_worker_refuses_bad_options_in_french(db, option, message):
    with pytest.raises(CommandError, match=message):
        call_command("worker", once=True, verbosity=0, **option)


def test_a_periodic_job_with_a_bad_interval_is_skipped_with_a_log_line(caplog):
    calls.clear()
    with caplog.at_level(logging.WARNING, logger="guichet.notifications.tasks"):
        runner = tasks.Periodic({path_of(record_call): "souvent", path_of(explode): 0})
    assert runner.run_due() == 0
    assert "souvent" in caplog.text


def test_a_periodic_setting_that_is_not_an_object_is_refused_in_french(db, settings):
    settings.GUICHET_WORKER_PERIODIC = ["guichet.journeys.store.refresh"]
    with pytest.raises(ImproperlyConfigured, match="doit être un objet JSON"):
        call_command("worker", once=True, periodic=True, verbosity=0)
