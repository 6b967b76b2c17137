"""Reads for the pages: bookable places, a week of slots, a place's agenda."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from guichet.appointments import slots
from guichet.appointments.models import Appointment, AppointmentType, Desk, Place
from guichet.core.calendar import PARIS


def bookable_places():
    return (
        Place.objects.filter(active=True, authority__is_active=True, types__active=True)
        .distinct()
        .select_related("authority", "commune")
        .prefetch_related("types")
        .order_by("authority__name", "name")
    )


def bookable_type(place_pk, slug) -> AppointmentType | None:
    return (
        AppointmentType.objects.filter(
            place_id=place_pk,
            slug=slug,
            active=True,
            place__active=True,
            place__authority__is_active=True,
        )  # fmt: skip
        .select_related("place__authority", "place__commune__departement")
        .first()
    )


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_of_slots(appointment_type, monday: date, *, ignore=None) -> list[tuple[date, list]]:
    """The seven days from `monday`, each with its free slots (an empty list when none)."""
    by_day = defaultdict(list)
    for slot in slots.free_slots(
        appointment_type, monday, monday + timedelta(days=6), ignore=ignore
    ):
        by_day[slot.start.date()].append(slot)
    return [(monday + timedelta(days=i), by_day[monday + timedelta(days=i)]) for i in range(7)]


def agenda(place: Place, first: date, last: date):
    """Per day, per active-or-busy desk, the booked and past appointments (cancelled ones aside)."""
    start = datetime.combine(first, time.min, tzinfo=PARIS)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=PARIS)
    appointments = (
        Appointment.objects.filter(type__place=place, start__gte=start, start__lt=end)
        .exclude(status=Appointment.Status.CANCELLED)
        .select_related("type", "person", "desk")
        .order_by("start")
    )
    desks = list(Desk.objects.filter(place=place).order_by("name"))
    grid: dict[date, dict[int, list]] = {
        first + timedelta(days=i): {d.pk: [] for d in desks} for i in range((last - first).days + 1)
    }
    for appointment in appointments:
        grid[appointment.start.astimezone(PARIS).date()][appointment.desk_id].append(appointment)
    return desks, [(day, [(d, grid[day][d.pk]) for d in desks]) for day in grid]
