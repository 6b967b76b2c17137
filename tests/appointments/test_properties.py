"""Property tests: whatever the hours, closures and bookings, an offered slot can be booked,
a full slot is never offered again, and no offered slot touches a closure."""

from datetime import UTC, date, time, timedelta

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guichet.appointments import actions, slots
from guichet.appointments.actions import SlotTaken
from guichet.appointments.models import AppointmentType, Closure
from guichet.core import clock
from guichet.core.journal import Actor

from .factories import make_place, paris

NOW = paris(2026, 11, 23, 8, 0)
DAYS = [date(2026, 11, 24), date(2026, 11, 25)]  # Tuesday, Wednesday


@st.composite
def agendas(draw):
    """Opening ranges on Tuesday and Wednesday, 1–3 desks, a duration, closures, bookings."""
    hours = []
    for weekday in (1, 2):
        for _ in range(draw(st.integers(0, 2))):
            start = draw(st.integers(7 * 12, 17 * 12))  # in 5-minute units from midnight
            length = draw(st.integers(3, 6 * 12))
            end = min(start + length, 24 * 12 - 1)
            hours.append(
                (weekday, time(start // 12, start % 12 * 5), time(end // 12, end % 12 * 5))
            )
    desks = draw(st.integers(1, 3))
    duration = draw(st.sampled_from([5, 15, 20, 30, 45, 60]))
    closures = [
        (
            draw(st.sampled_from(DAYS)),
            draw(st.integers(7 * 60, 19 * 60)),
            draw(st.integers(5, 180)),
            draw(st.one_of(st.none(), st.integers(0, desks - 1))),
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    picks = draw(st.lists(st.integers(0, 10_000), max_size=12))
    return hours, desks, duration, closures, picks


def _overlaps_closure(slot, closures, desk_id):
    return any(
        c.start < slot.end and c.end > slot.start and c.desk_id in (None, desk_id) for c in closures
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(agenda=agendas())
def test_offered_slots_are_bookable_and_never_offered_once_full(world, agenda):
    hours, desk_count, duration, closure_specs, picks = agenda
    with transaction.atomic(), clock.frozen_at(NOW):
        place = make_place(
            world.tours, "Lieu", desks=desk_count, hours=hours, commune=world.tours_commune
        )
        kind = AppointmentType.objects.create(
            place=place, name="T", slug="t", duration_minutes=duration
        )
        desks = list(place.desks.order_by("pk"))
        closures = [
            Closure.objects.create(
                place=place,
                desk=desks[d] if d is not None else None,
                start=paris(day.year, day.month, day.day) + timedelta(minutes=m),
                end=paris(day.year, day.month, day.day) + timedelta(minutes=m + length),
            )  # fmt: skip
            for day, m, length, d in closure_specs
        ]
        for pick in picks:
            offered = slots.free_slots(kind, DAYS[0], DAYS[-1])
            assert len({s.start for s in offered}) == len(offered)
            # no offered slot touches a closure of a desk it offers, nor leaves the hours
            for slot in offered:
                assert slot.end.astimezone(UTC) - slot.start.astimezone(UTC) == timedelta(
                    minutes=duration
                )
                assert slot.start >= NOW
                for desk_id in slot.desk_ids:
                    assert not _overlaps_closure(slot, closures, desk_id)
                assert slots.unbookable_reason(kind, slot.start) is None
            if not offered:
                break
            chosen = offered[pick % len(offered)]
            # an offered slot can always be booked
            appointment = actions.book_appointment(
                appointment_type=kind, start=chosen.start, person=world.alice,
                actor=Actor.person(world.alice),
            )  # fmt: skip
            assert appointment.desk_id in chosen.desk_ids
            after = {s.start: s for s in slots.free_slots(kind, DAYS[0], DAYS[-1])}
            if len(chosen.desk_ids) == 1:
                # a slot whose last desk was taken is never offered again, and cannot be booked
                assert chosen.start not in after
                try:
                    actions.book_appointment(
                        appointment_type=kind, start=chosen.start, person=world.bob,
                        actor=Actor.person(world.bob),
                    )  # fmt: skip
                except SlotTaken:
                    pass
                else:
                    raise AssertionError("a full slot was booked twice")
            else:
                assert set(after[chosen.start].desk_ids) == set(chosen.desk_ids) - {
                    appointment.desk_id
                }
        transaction.set_rollback(True)
