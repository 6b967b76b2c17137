"""The day-before reminders, queued by the worker's periodic run (GUICHET_WORKER_PERIODIC)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from guichet.appointments import actions
from guichet.appointments.models import Appointment
from guichet.core import calendar, clock
from guichet.core.calendar import PARIS
from guichet.core.journal import Actor

REMINDERS = Actor.system("rappels de rendez-vous")


def queue_due_reminders() -> int:
    """Queue a reminder for every booked appointment of tomorrow (Paris); the number queued.

    Safe to run as often as wanted: each appointment is reminded once (its reminder_queued_at,
    and the outbox's idempotency key).
    """
    tomorrow = calendar.local_date(clock.now()) + timedelta(days=1)
    start = datetime.combine(tomorrow, time.min, tzinfo=PARIS)
    end = datetime.combine(tomorrow + timedelta(days=1), time.min, tzinfo=PARIS)
    due = Appointment.objects.filter(
        status=Appointment.Status.BOOKED, reminder_queued_at__isnull=True,
        start__gte=start, start__lt=end,
    ).order_by("start")  # fmt: skip
    return sum(
        actions.queue_reminder(appointment=appointment, actor=REMINDERS)
        for appointment in due.iterator()
    )
