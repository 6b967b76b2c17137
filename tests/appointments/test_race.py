"""Many people taking the same slot at the same moment: never two on one desk.

Real threads, each with its own database connection, on SQLite and PostgreSQL (run with
DATABASE_URL=postgres://…). The data is committed, so this module builds its own world.
"""

from __future__ import annotations

import pytest
import support

from guichet.appointments import actions
from guichet.appointments.actions import SlotTaken
from guichet.appointments.models import Appointment, AppointmentType, SlotClaim
from guichet.core import clock
from guichet.core.journal import Actor
from guichet.people import actions as people

from .factories import build_world, paris

NOW = paris(2026, 11, 23, 8, 0)
SLOT = paris(2026, 11, 24, 9, 0)


def race(attempts):
    """support.race, each attempt at NOW."""

    def at_now(attempt):
        def run():
            with clock.frozen_at(NOW):
                return attempt()

        return run

    return support.race(*(at_now(a) for a in attempts))


def _people(count):
    return [
        people.create_person(
            actor=Actor.system("tests"),
            first_name=f"P{i}",
            last_name="Test",
            email=f"p{i}@exemple.fr",
        )  # fmt: skip
        for i in range(count)
    ]


@pytest.mark.django_db(transaction=True)
def test_six_people_racing_for_a_slot_with_two_desks_two_win(django_db_blocker):
    # given the town hall's two desks free on Tuesday 9:00, and six people
    world = build_world()
    persons = _people(6)

    def attempt(person):
        return lambda: actions.book_appointment(
            appointment_type=AppointmentType.objects.get(pk=world.cni.pk), start=SLOT,
            person=person, actor=Actor.person(person),
        )  # fmt: skip

    # when they all book it at once
    outcomes = race([attempt(p) for p in persons])
    # then two win, one per desk, and the four others are told the slot was just taken
    winners = [o for o in outcomes if isinstance(o, Appointment)]
    losers = [o for o in outcomes if not isinstance(o, Appointment)]
    assert len(winners) == 2, outcomes
    assert all(isinstance(o, SlotTaken) for o in losers), outcomes
    booked = Appointment.objects.filter(start=SLOT, status="booked")
    assert booked.count() == 2
    assert len({a.desk_id for a in booked}) == 2
    assert SlotClaim.objects.count() == 8


@pytest.mark.django_db(transaction=True)
def test_overlapping_bookings_of_different_lengths_never_share_a_desk(django_db_blocker):
    # given a one-desk place, and a 20-minute and a 15-minute type that overlap at 9:10
    world = build_world()
    place_type = world.sceaux_type  # 30 min, one desk
    short = AppointmentType.objects.create(
        place=world.sceaux_place, name="Court", slug="court", duration_minutes=15
    )
    persons = _people(4)
    starts = [
        (place_type, paris(2026, 11, 24, 9, 0)),
        (short, paris(2026, 11, 24, 9, 15)),
        (short, paris(2026, 11, 24, 9, 15)),
        (place_type, paris(2026, 11, 24, 9, 0)),
    ]

    def attempt(person, kind, start):
        return lambda: actions.book_appointment(
            appointment_type=kind, start=start, person=person, actor=Actor.person(person)
        )

    outcomes = race([attempt(p, k, s) for p, (k, s) in zip(persons, starts, strict=True)])
    winners = [o for o in outcomes if isinstance(o, Appointment)]
    assert len(winners) >= 1, outcomes
    assert all(isinstance(o, Appointment | SlotTaken) for o in outcomes), outcomes
    # then no two booked appointments of the desk overlap
    booked = list(Appointment.objects.filter(status="booked").order_by("start"))
    for earlier, later in zip(booked, booked[1:], strict=False):
        assert earlier.end <= later.start
