"""Day-before reminders: tomorrow's booked appointments only, each reminded once."""

from io import StringIO

from django.core.management import call_command

from guichet.appointments import actions
from guichet.appointments.reminders import queue_due_reminders
from guichet.core import clock
from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.notifications.models import Notification

from .factories import paris


def book(world, start, person):
    return actions.book_appointment(
        appointment_type=world.cni, start=start, person=person, actor=Actor.person(person)
    )


def reminders():
    return Notification.objects.filter(
        message_kind="appointment", subject="Rappel de votre rendez-vous"
    )


def test_reminders_go_once_to_tomorrows_appointments_only(world):
    # given appointments tomorrow (Tuesday) at 9:00 and 16:40, one on Wednesday, one cancelled
    with clock.frozen_at(paris(2026, 11, 23, 8, 0)):
        tomorrow_morning = book(world, paris(2026, 11, 24, 9, 0), world.alice)
        tomorrow_late = book(world, paris(2026, 11, 24, 16, 40), world.bob)
        book(world, paris(2026, 11, 25, 9, 0), world.alice)
        cancelled = book(world, paris(2026, 11, 24, 10, 0), world.bob)
        actions.cancel_appointment(appointment=cancelled, actor=Actor.person(world.bob))
    # when the reminders run late on Monday evening, three times
    with clock.frozen_at(paris(2026, 11, 23, 23, 30)):
        counts = [queue_due_reminders() for _ in range(3)]
    # then the two appointments of Tuesday are reminded, once each
    assert counts == [2, 0, 0]
    sent = reminders()
    assert sorted(n.recipient for n in sent) == ["alice@exemple.fr", "bob@exemple.fr"]
    alice = sent.get(recipient="alice@exemple.fr")
    assert "Rappel : vous avez rendez-vous demain, le mardi 24 novembre 2026 à 9 h 00" in alice.text
    assert alice.ics
    assert Event.objects.filter(kind="appointment.reminder_queued").count() == 2
    tomorrow_morning.refresh_from_db()
    tomorrow_late.refresh_from_db()
    assert tomorrow_morning.reminder_queued_at and tomorrow_late.reminder_queued_at


def test_a_moved_appointment_is_reminded_again_for_its_new_day(world):
    with clock.frozen_at(paris(2026, 11, 23, 8, 0)):
        appointment = book(world, paris(2026, 11, 24, 9, 0), world.alice)
    with clock.frozen_at(paris(2026, 11, 23, 20, 0)):
        assert queue_due_reminders() == 1
        actions.move_appointment(
            appointment=appointment, start=paris(2026, 11, 25, 9, 0), actor=Actor.system()
        )
    with clock.frozen_at(paris(2026, 11, 24, 20, 0)):
        assert queue_due_reminders() == 1
    assert reminders().count() == 2


def test_the_command_says_how_many_it_queued(world):
    with clock.frozen_at(paris(2026, 11, 23, 8, 0)):
        book(world, paris(2026, 11, 24, 9, 0), world.alice)
    out = StringIO()
    with clock.frozen_at(paris(2026, 11, 23, 18, 0)):
        call_command("appointment_reminders", stdout=out)
    assert out.getvalue().strip() == "1 rappel de rendez-vous mis en file."


def test_a_person_who_asked_for_sms_gets_the_reminder_by_sms_too(world):
    from guichet.people.models import NotificationPreference

    NotificationPreference.objects.create(
        person=world.alice, message_kind="appointment", channel="sms", enabled=True
    )
    with clock.frozen_at(paris(2026, 11, 23, 8, 0)):
        book(world, paris(2026, 11, 24, 14, 30), world.alice)
    with clock.frozen_at(paris(2026, 11, 23, 18, 0)):
        assert queue_due_reminders() == 1
    sms = Notification.objects.get(channel="sms", idempotency_key__contains="reminder")
    assert sms.recipient == "+33612345678"
    assert sms.text.startswith("Ville de Tours : Rappel : vous avez rendez-vous demain")
    assert "14 h 30" in sms.text and not sms.ics
