"""Booking, cancelling, moving and marking appointments through the actions."""

from datetime import UTC, timedelta

import pytest
from icalendar import Calendar

from guichet.appointments import actions, slots
from guichet.appointments.actions import AppointmentError, SlotTaken
from guichet.appointments.models import Appointment, SlotClaim
from guichet.core import clock
from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.notifications.models import Notification

from .factories import paris

NOW = paris(2026, 11, 23, 8, 0)  # a Monday morning
TUESDAY_9 = paris(2026, 11, 24, 9, 0)


def book(world, start=TUESDAY_9, person=None, type_=None, **extra):
    person = person or world.alice
    return actions.book_appointment(
        appointment_type=type_ or world.cni, start=start, person=person,
        actor=Actor.person(person), **extra,
    )  # fmt: skip


def test_booking_holds_the_slot_journals_once_and_queues_a_confirmation_with_its_calendar(world):
    with clock.frozen_at(NOW):
        # when Alice books Tuesday 9:00 for an identity card
        appointment = book(world)
        free = slots.free_slots(world.cni, TUESDAY_9.date(), TUESDAY_9.date())
    # then the appointment holds four 5-minute units on one desk
    assert appointment.status == "booked" and appointment.reference.startswith("RDV-")
    assert appointment.end - appointment.start == timedelta(minutes=20)
    assert SlotClaim.objects.filter(appointment=appointment).count() == 4
    # and the slot still shows, with one desk left
    nine = next(s for s in free if s.start == TUESDAY_9)
    assert appointment.desk_id not in nine.desk_ids and len(nine.desk_ids) == 1
    # and exactly one event was journaled
    events = Event.objects.filter(kind__startswith="appointment.", subject_id=appointment.pk)
    assert [e.kind for e in events] == ["appointment.booked"]
    assert events[0].authority_id == world.tours.pk and events[0].person_id == world.alice.pk
    # and a confirmation e-mail is queued with its iCalendar file (no SMS: not asked for)
    message = Notification.objects.get(person=world.alice, message_kind="appointment")
    assert message.channel == "email" and message.subject == "Rendez-vous confirmé"
    assert "mardi 24 novembre 2026 à 9 h 00" in message.text
    assert f"/rendez-vous/rdv/{appointment.secret}/" in message.text
    event = Calendar.from_ical(message.ics).walk("VEVENT")[0]
    assert event.decoded("dtstart").astimezone(UTC) == TUESDAY_9.astimezone(UTC)
    assert event.decoded("dtend").astimezone(UTC) == (TUESDAY_9 + timedelta(minutes=20)).astimezone(
        UTC
    )
    assert str(event["uid"]) == f"{appointment.reference}@guichet"
    assert "Mairie de Tours" in str(event["location"])


def test_the_last_desk_taken_makes_the_slot_disappear_and_a_third_booking_fails(world):
    with clock.frozen_at(NOW):
        first = book(world)
        second = book(world, person=world.bob)
        free = slots.free_slots(world.cni, TUESDAY_9.date(), TUESDAY_9.date())
        with pytest.raises(SlotTaken) as taken:
            book(world)
        # an overlapping 15-minute slot at 9:10 is taken too
        with pytest.raises(SlotTaken):
            book(world, start=paris(2026, 11, 24, 9, 10), type_=world.depot)
    assert first.desk_id != second.desk_id
    assert TUESDAY_9 not in [s.start for s in free]
    assert str(taken.value) == (
        "Ce créneau vient d'être réservé par quelqu'un d'autre : choisissez-en un autre."
    )
    assert Appointment.objects.filter(type__place=world.mairie).count() == 2


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (paris(2026, 11, 20, 9, 0), "Ce créneau est déjà passé : choisissez-en un autre."),
        (
            paris(2026, 11, 23, 9, 0),
            "Ce créneau est trop proche : réservez au moins 2 h à l'avance.",
        ),
        (paris(2026, 11, 29, 9, 0), "n'est pas ouvert de 9 h 00 à 9 h 20 ce jour-là"),
        (paris(2026, 12, 25, 9, 0), "est fermé ce jour-là (jour férié)."),
    ],
)
def test_refused_bookings_say_why_in_french_and_write_nothing(world, start, message):
    before = Event.objects.count(), Notification.objects.count()
    with clock.frozen_at(NOW), pytest.raises(AppointmentError) as refused:
        book(world, start=start)
    assert message in str(refused.value)
    assert Appointment.objects.count() == 0 and SlotClaim.objects.count() == 0
    assert (Event.objects.count(), Notification.objects.count()) == before


def test_a_desk_of_another_place_is_refused(world):
    with clock.frozen_at(NOW), pytest.raises(AppointmentError) as refused:
        book(world, desk=world.sceaux_place.desks.get())
    assert str(refused.value) == "Ce guichet n'appartient pas à ce lieu d'accueil."


def test_cancelling_frees_the_slot_and_tells_the_person(world):
    with clock.frozen_at(NOW):
        appointment = book(world)
        book(world, person=world.bob)
        actions.cancel_appointment(appointment=appointment, actor=Actor.person(world.alice))
        free = slots.free_slots(world.cni, TUESDAY_9.date(), TUESDAY_9.date())
        with pytest.raises(AppointmentError) as again:
            actions.cancel_appointment(appointment=appointment, actor=Actor.person(world.alice))
    appointment.refresh_from_db()
    assert appointment.status == "cancelled" and appointment.sequence == 1
    assert not appointment.claims.exists()
    assert TUESDAY_9 in [s.start for s in free]
    assert str(again.value) == "Ce rendez-vous est annulé : il ne peut plus être annulé."
    cancelled = Notification.objects.get(idempotency_key__contains="cancelled")
    assert cancelled.subject == "Rendez-vous annulé"
    assert "STATUS:CANCELLED" in cancelled.ics and "METHOD:CANCEL" in cancelled.ics


def test_moving_keeps_the_reference_and_frees_the_old_slot(world):
    with clock.frozen_at(NOW):
        appointment = book(world)
        reference = appointment.reference
        later = paris(2026, 11, 25, 14, 10)
        moved = actions.move_appointment(
            appointment=appointment, start=later, actor=Actor.person(world.alice)
        )
        free_tuesday = slots.free_slots(world.cni, TUESDAY_9.date(), TUESDAY_9.date())
    assert moved.reference == reference and moved.start == later
    assert [s for s in free_tuesday if s.start == TUESDAY_9][0].desk_ids.__len__() == 2
    assert {c.start for c in moved.claims.all()} == set(slots.units(later, moved.end))
    kinds = list(Event.objects.filter(subject_id=moved.pk, kind__startswith="appointment.")
                 .values_list("kind", flat=True))  # fmt: skip
    assert kinds == ["appointment.booked", "appointment.moved"]
    assert Notification.objects.filter(subject="Rendez-vous modifié").count() == 1


def test_moving_by_a_few_minutes_onto_its_own_slot_works(world):
    # the appointment's own claims do not block a move that overlaps them
    with clock.frozen_at(NOW):
        appointment = book(world, desk=None)
        book(world, person=world.bob)  # both desks busy at 9:00
        moved = actions.move_appointment(
            appointment=appointment, start=paris(2026, 11, 24, 9, 10), actor=Actor.system()
        )
    assert moved.desk_id == appointment.desk_id


def test_a_refused_move_keeps_the_old_slot(world):
    with clock.frozen_at(NOW):
        appointment = book(world)
        book(world, start=paris(2026, 11, 24, 10, 0), person=world.bob)
        book(world, start=paris(2026, 11, 24, 10, 0), person=world.bob)
        with pytest.raises(SlotTaken):
            actions.move_appointment(
                appointment=appointment, start=paris(2026, 11, 24, 10, 0), actor=Actor.system()
            )
    appointment.refresh_from_db()
    assert appointment.start == TUESDAY_9 and appointment.claims.count() == 4
    assert not Event.objects.filter(kind="appointment.moved").exists()


def test_attendance_is_marked_on_the_day_not_before(world):
    with clock.frozen_at(NOW):
        appointment = book(world)
        with pytest.raises(AppointmentError) as early:
            actions.mark_attended(appointment=appointment, actor=Actor.agent(world.agent_tours))
    with clock.frozen_at(paris(2026, 11, 24, 9, 5)):
        done = actions.mark_attended(appointment=appointment, actor=Actor.agent(world.agent_tours))
        with pytest.raises(AppointmentError):
            actions.mark_no_show(appointment=appointment, actor=Actor.agent(world.agent_tours))
    assert "ne peut pas encore être marqué" in str(early.value)
    assert done.status == "done"
