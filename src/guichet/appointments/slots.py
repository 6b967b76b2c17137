"""Free slots: opening hours, minus closures and public holidays, minus what is booked.

The rules, in one place:

* Opening hours are wall-clock times in Europe/Paris; slot arithmetic is done in UTC so that a
  20-minute appointment lasts 20 minutes on the night the clocks change.
* A slot starts on the grid (GRID_MINUTES) inside one opening range and ends inside it too;
  offered slots follow each other from the start of the range, one duration apart.
* A French public holiday (with the place's département's local ones) closes the place all day.
* A closure of the place closes every desk; a closure of one desk only that desk.
* No slot starts before now + the place's notice, nor after its booking horizon.
* A slot is free when at least one active desk has none of its grid units claimed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from guichet.appointments.models import (
    GRID_MINUTES,
    Appointment,
    AppointmentType,
    Closure,
    Desk,
    Place,
    SlotClaim,
)
from guichet.appointments.text import fr_time
from guichet.core import calendar, clock
from guichet.core.calendar import PARIS
from guichet.core.plurals import ngettext

GRID = timedelta(minutes=GRID_MINUTES)
TAKEN = "Ce créneau vient d'être réservé par quelqu'un d'autre : choisissez-en un autre."


@dataclass(frozen=True)
class Slot:
    start: datetime  # aware, Europe/Paris
    end: datetime
    desk_ids: tuple[int, ...]  # the desks still free for the whole slot


def is_public_holiday(place: Place, day: date) -> bool:
    return day in calendar.public_holidays(day.year, departement=place.departement_code)


def units(start: datetime, end: datetime) -> list[datetime]:
    """The grid units (their UTC start) that [start, end) covers."""
    first = start.astimezone(UTC)
    return [first + i * GRID for i in range(int((end - start) / GRID))]


def on_grid(moment: datetime) -> bool:
    utc = moment.astimezone(UTC)
    return utc.second == 0 and utc.microsecond == 0 and utc.minute % GRID_MINUTES == 0


def _ceil_to_grid(moment: datetime) -> datetime:
    utc = moment.astimezone(UTC)
    floor = utc.replace(minute=utc.minute - utc.minute % GRID_MINUTES, second=0, microsecond=0)
    return floor if floor == utc else floor + GRID


def opening_ranges(place: Place, day: date, hours: Iterable | None = None) -> list[tuple]:
    """The place's opening ranges on `day` as (start, end) in UTC; none on a public holiday."""
    if is_public_holiday(place, day):
        return []
    hours = place.opening_hours.all() if hours is None else hours
    ranges = []
    for opening in hours:
        if opening.weekday != day.weekday():
            continue
        start = datetime.combine(day, opening.start, tzinfo=PARIS).astimezone(UTC)
        end = datetime.combine(day, opening.end, tzinfo=PARIS).astimezone(UTC)
        if start < end:  # a range swallowed by a clock change is no range
            ranges.append((_ceil_to_grid(start), end))
    merged: list[tuple] = []
    for start, end in sorted(ranges):  # overlapping ranges typed in the admin count once
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def earliest_start(place: Place) -> datetime:
    return clock.now() + timedelta(minutes=place.notice_minutes)


def last_day(place: Place) -> date:
    return calendar.local_date(clock.now()) + timedelta(days=place.horizon_days)


class _Occupancy:
    """Desks, closures and claims of a place over a period, loaded in three queries."""

    def __init__(self, place: Place, start: datetime, end: datetime, ignore=None, desk=None):
        desks = Desk.objects.filter(place=place, active=True).order_by("pk")
        if desk is not None:
            desks = desks.filter(pk=desk.pk)
        self.desk_ids = list(desks.values_list("pk", flat=True))
        self.closures = list(
            Closure.objects.filter(place=place, start__lt=end, end__gt=start).values_list(
                "desk_id", "start", "end", "reason"
            )
        )
        claims = SlotClaim.objects.filter(
            desk_id__in=self.desk_ids, start__gte=start, start__lt=end
        )
        if ignore is not None:
            claims = claims.exclude(appointment=ignore)
        self.claimed = set(claims.values_list("desk_id", "start"))

    def closure_at(self, start: datetime, end: datetime, desk_id: int | None = None):
        """The reason of a closure over [start, end) for `desk_id` ("" when it gives none)."""
        for closed_desk, closed_from, closed_to, reason in self.closures:
            if closed_from < end and closed_to > start and closed_desk in (None, desk_id):
                return reason
        return None

    def free_desks(self, start: datetime, end: datetime) -> tuple[int, ...]:
        covered = units(start, end)
        return tuple(
            desk_id
            for desk_id in self.desk_ids
            if self.closure_at(start, end, desk_id) is None
            and not any((desk_id, unit) in self.claimed for unit in covered)
        )


def free_slots(
    appointment_type: AppointmentType, first: date, last: date, *, ignore: Appointment | None = None
) -> list[Slot]:
    """Every bookable slot of `appointment_type` from day `first` to day `last` (included).

    `ignore`: an appointment being moved, whose own claims do not count as taken.
    """
    place = appointment_type.place
    last = min(last, last_day(place))
    if last < first or not place.active or not appointment_type.active:
        return []
    duration = timedelta(minutes=appointment_type.duration_minutes)
    hours = list(place.opening_hours.all())
    period_start = datetime.combine(first, datetime.min.time(), tzinfo=PARIS)
    period_end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=PARIS)
    occupancy = _Occupancy(place, period_start, period_end, ignore=ignore)
    not_before = earliest_start(place)
    slots = []
    day = first
    while day <= last:
        for range_start, range_end in opening_ranges(place, day, hours):
            start = range_start
            while start + duration <= range_end:
                end = start + duration
                if start >= not_before and (desks := occupancy.free_desks(start, end)):
                    slots.append(Slot(start.astimezone(PARIS), end.astimezone(PARIS), desks))
                start = end
        day += timedelta(days=1)
    return slots


def unbookable_reason(
    appointment_type: AppointmentType, start: datetime, *, ignore: Appointment | None = None
) -> str | None:
    """Why an appointment of this type cannot start at `start` (French), or None if it can
    be booked on some desk as far as hours, closures and the calendar go (claims aside)."""
    place = appointment_type.place
    if not appointment_type.active or not place.active:
        return "Ce type de rendez-vous n'est plus proposé."
    if start.tzinfo is None or not on_grid(start):
        return "Ce créneau n'existe pas : choisissez un créneau proposé."
    end = start + timedelta(minutes=appointment_type.duration_minutes)
    if start <= clock.now():
        return "Ce créneau est déjà passé : choisissez-en un autre."
    if start < earliest_start(place):
        hours, minutes = divmod(place.notice_minutes, 60)
        notice = f"{hours} h {minutes:02d}" if minutes else f"{hours} h"
        return f"Ce créneau est trop proche : réservez au moins {notice} à l'avance."
    day = calendar.local_date(start)
    if day > last_day(place):
        return ngettext(
            "Les rendez-vous ne se prennent que %(n)d jour à l'avance.",
            "Les rendez-vous ne se prennent que %(n)d jours à l'avance.",
            place.horizon_days,
        ) % {"n": place.horizon_days}
    if is_public_holiday(place, day):
        return f"{place.name} est fermé ce jour-là (jour férié)."
    if not any(s <= start and end <= e for s, e in opening_ranges(place, day)):
        return (
            f"{place.name} n'est pas ouvert de {fr_time(start)} à {fr_time(end)} ce jour-là : "
            "choisissez un créneau proposé."
        )
    occupancy = _Occupancy(place, start, end, ignore=ignore)
    if not occupancy.desk_ids:
        return f"Aucun guichet n'est ouvert à {place.name}."
    closed = [occupancy.closure_at(start, end, desk) for desk in occupancy.desk_ids]
    if all(reason is not None for reason in closed):
        why = f" ({closed[0]})" if closed[0] else ""
        return f"{place.name} est fermé à ce moment-là{why} : choisissez un autre créneau."
    return None


def free_desks(
    appointment_type: AppointmentType, start: datetime, *, ignore: Appointment | None = None
) -> list[Desk]:
    """The active desks of the type's place that can take this slot now, in a stable order."""
    end = start + timedelta(minutes=appointment_type.duration_minutes)
    occupancy = _Occupancy(appointment_type.place, start, end, ignore=ignore)
    ids = occupancy.free_desks(start.astimezone(UTC), end.astimezone(UTC))
    return list(Desk.objects.filter(pk__in=ids).order_by("pk"))


def refusal(
    appointment_type: AppointmentType, start: datetime, *, ignore: Appointment | None = None
) -> str | None:
    """Why `start` cannot be booked right now (French), claims included; None if it can."""
    reason = unbookable_reason(appointment_type, start, ignore=ignore)
    if reason is None and not free_desks(appointment_type, start, ignore=ignore):
        return TAKEN
    return reason
