"""The iCalendar file: right times across time zones, sent as an attachment over real SMTP."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from icalendar import Calendar
from notifications.servers import RecordingSmtp

from guichet.appointments import actions, ics
from guichet.core import clock
from guichet.core.journal import Actor
from guichet.notifications.models import Notification

from .factories import paris


@pytest.fixture
def smtp_server():
    server = RecordingSmtp().start()
    yield server
    server.stop()


def test_a_summer_appointment_keeps_its_paris_time(world):
    # given an appointment on Tuesday 6 July 2027 at 14:10 (summer time, UTC+2)
    world.mairie.horizon_days = 365
    world.mairie.save()
    with clock.frozen_at(paris(2027, 6, 1, 8, 0)):
        appointment = actions.book_appointment(
            appointment_type=world.cni, start=paris(2027, 7, 6, 14, 10), person=world.alice,
            actor=Actor.person(world.alice),
        )  # fmt: skip
        content = ics.calendar_for(appointment)
    calendar = Calendar.from_ical(content)
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("dtstart").astimezone(UTC) == datetime(2027, 7, 6, 12, 10, tzinfo=UTC)
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=20)
    assert "TZID=Europe/Paris" in content
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert str(event["summary"]) == "Rendez-vous : Carte d'identité / passeport"


def test_attach_to_puts_the_calendar_on_the_email_sent(world, smtp_server):
    with clock.frozen_at(paris(2026, 11, 23, 8, 0)):
        actions.book_appointment(
            appointment_type=world.cni, start=paris(2026, 11, 24, 9, 0), person=world.alice,
            actor=Actor.person(world.alice),
        )  # fmt: skip
    notification = Notification.objects.get(channel="email")
    connection = get_connection(
        "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=smtp_server.port,
        use_tls=False, username="", password="", timeout=10,
    )  # fmt: skip
    email = EmailMultiAlternatives(
        subject=notification.subject, body=notification.text,
        from_email=settings.DEFAULT_FROM_EMAIL, to=[notification.recipient],
        connection=connection,
    )  # fmt: skip
    ics.attach_to(email, notification)
    email.send()
    [received] = smtp_server.messages
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "rendez-vous.ics"
    assert attachment.get_content_type() == "text/calendar"
    event = Calendar.from_ical(attachment.get_content()).walk("VEVENT")[0]
    assert event.decoded("dtstart").astimezone(UTC) == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def test_attach_to_leaves_other_messages_alone(world):
    email = EmailMultiAlternatives(subject="x", body="y", to=["a@exemple.fr"])
    ics.attach_to(email, Notification(text="y"))
    assert email.attachments == []
