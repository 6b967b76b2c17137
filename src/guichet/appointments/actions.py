"""Every write on appointments: book, cancel, move, mark attended or absent.

Each runs in one transaction and appends one journal event (`appointment.*`, with the linked
request's id as case_id). A slot is held by SlotClaim rows under a unique (desk, start)
constraint: when two people take the last desk of a slot at once, the second insert fails and
the second person is told the slot was just taken.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from guichet.appointments import slots
from guichet.appointments.models import (
    Appointment,
    AppointmentType,
    Closure,
    Desk,
    OpeningHours,
    Place,
    SlotClaim,
)
from guichet.appointments.text import fr_moment
from guichet.cases.references import new_reference
from guichet.core import calendar, clock, journal
from guichet.core.journal import Actor
from guichet.people.actions import Applicant, person_for
from guichet.people.models import Person

BOOKED = "appointment.booked"
CANCELLED = "appointment.cancelled"
MOVED = "appointment.moved"
ATTENDED = "appointment.attended"
NO_SHOW = "appointment.no_show"
REMINDER_QUEUED = "appointment.reminder_queued"

Status = Appointment.Status


class AppointmentError(ValueError):
    """A booking, change or cancellation refused, with a French message for the person."""


class SlotTaken(AppointmentError):
    pass


TAKEN = slots.TAKEN


def _event(kind: str, appointment: Appointment, actor: Actor, **payload) -> None:
    journal.append(
        kind=kind,
        actor=actor,
        channel=appointment.channel if kind == BOOKED else "",
        authority_id=appointment.type.place.authority_id,
        person_id=appointment.person_id,
        case_id=appointment.request_id,
        subject=appointment,
        visible_to_person=True,
        payload={
            "reference": appointment.reference,
            "type": appointment.type.name,
            "start": appointment.start.isoformat(),
            "desk": appointment.desk.name,
            **payload,
        },
    )


def _claim(appointment: Appointment, desks: list[Desk]) -> None:
    """Hold the appointment's grid units on the first desk that still has them all."""
    new = appointment.pk is None
    for desk in desks:
        try:
            with transaction.atomic():  # a savepoint: a lost race leaves nothing behind
                appointment.desk = desk
                if appointment.pk is None:
                    appointment.save()
                else:
                    appointment.save(update_fields=["desk", "start", "end", "updated_at"])
                SlotClaim.objects.bulk_create(
                    SlotClaim(desk=desk, start=unit, appointment=appointment)
                    for unit in slots.units(appointment.start, appointment.end)
                )
                return
        except IntegrityError:
            if new:  # the row was rolled back with the savepoint
                appointment.pk = None
                appointment._state.adding = True
    raise SlotTaken(TAKEN)


def _desks_for(appointment_type, start, desk, ignore=None) -> list[Desk]:
    reason = slots.unbookable_reason(appointment_type, start, ignore=ignore)
    if reason:
        raise AppointmentError(reason)
    free = slots.free_desks(appointment_type, start, ignore=ignore)
    if desk is not None:
        if desk.place_id != appointment_type.place_id:
            raise AppointmentError("Ce guichet n'appartient pas à ce lieu d'accueil.")
        free = [d for d in free if d.pk == desk.pk]
    if not free:
        raise SlotTaken(TAKEN)
    return free


def _locked(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update()
        .select_related("type__place__authority", "desk", "person")
        .get(pk=appointment.pk)
    )


@transaction.atomic
def book_appointment(
    *,
    appointment_type: AppointmentType,
    start: datetime,
    person: Person | None = None,
    applicant: Applicant | None = None,
    actor: Actor | None = None,
    registrar: Actor | None = None,
    channel: str = Appointment.Channel.WEB,
    agent=None,
    desk: Desk | None = None,
    request=None,
) -> Appointment:
    """Book `person` (or `applicant`, found or created by `registrar` once the slot is known
    to be free) on a free desk (or `desk`) at `start`; raises AppointmentError/SlotTaken,
    or people's IdentifierError before anything is written.

    `actor` is who books (None: the person themselves). The confirmation (e-mail with its
    calendar file, SMS if wanted) is queued by the notifications' listener of the event.
    """
    if channel not in Appointment.Channel.values:
        raise AppointmentError(f"Canal inconnu : {channel}.")
    if start.tzinfo is None:
        raise AppointmentError("Ce créneau n'existe pas : choisissez un créneau proposé.")
    desks = _desks_for(appointment_type, start, desk)
    applicant = applicant or Applicant(person=person)
    applicant.check()
    person = person_for(
        applicant=applicant, actor=registrar or actor or Actor.system(), channel=channel
    ).person
    actor = actor or Actor.person(person)
    appointment = Appointment(
        reference=f"RDV-{new_reference()}", secret=secrets.token_urlsafe(24),
        type=appointment_type, person=person, start=start,
        end=start + timedelta(minutes=appointment_type.duration_minutes),
        channel=channel, booked_by=agent, request=request,
    )  # fmt: skip
    _claim(appointment, desks)
    _event(BOOKED, appointment, actor, agent=agent.get_username() if agent else "")
    return appointment


def _ensure_changeable(appointment: Appointment, verb: str) -> None:
    if appointment.status != Status.BOOKED:
        raise AppointmentError(
            f"Ce rendez-vous est {appointment.get_status_display()} : il ne peut plus être {verb}."
        )
    if appointment.start <= clock.now():
        raise AppointmentError(f"Ce rendez-vous est passé : il ne peut plus être {verb}.")


@transaction.atomic
def cancel_appointment(*, appointment: Appointment, actor: Actor, reason: str = "") -> Appointment:
    """Cancel a booked, future appointment and free its slot."""
    appointment = _locked(appointment)
    _ensure_changeable(appointment, "annulé")
    appointment.claims.all().delete()
    appointment.status = Status.CANCELLED
    appointment.sequence += 1
    appointment.save(update_fields=["status", "sequence", "updated_at"])
    _event(CANCELLED, appointment, actor, reason=reason[:500])
    return appointment


@transaction.atomic
def move_appointment(
    *, appointment: Appointment, start: datetime, actor: Actor, desk: Desk | None = None
) -> Appointment:
    """Move a booked appointment to `start` (same type and reference), atomically: if the new
    slot is refused, the old one is kept."""
    appointment = _locked(appointment)
    _ensure_changeable(appointment, "modifié")
    if start.tzinfo is None:
        raise AppointmentError("Ce créneau n'existe pas : choisissez un créneau proposé.")
    if start == appointment.start and (desk is None or desk.pk == appointment.desk_id):
        raise AppointmentError("Votre rendez-vous est déjà à ce créneau.")
    previous_start, previous_desk = appointment.start, appointment.desk.name
    desks = _desks_for(appointment.type, start, desk, ignore=appointment)
    appointment.claims.all().delete()
    appointment.start = start
    appointment.end = start + timedelta(minutes=appointment.type.duration_minutes)
    _claim(appointment, desks)
    appointment.sequence += 1
    fields = ["sequence", "updated_at"]
    if calendar.local_date(previous_start) != calendar.local_date(start):
        appointment.reminder_queued_at = None  # the new day deserves its own reminder
        fields.append("reminder_queued_at")
    appointment.save(update_fields=fields)
    _event(
        MOVED, appointment, actor,
        previous_start=previous_start.isoformat(), previous_desk=previous_desk,
    )  # fmt: skip
    return appointment


def _mark(appointment: Appointment, actor: Actor, status: str, kind: str) -> Appointment:
    appointment = _locked(appointment)
    if appointment.status != Status.BOOKED:
        raise AppointmentError(f"Ce rendez-vous est déjà {appointment.get_status_display()}.")
    if calendar.local_date(appointment.start) > calendar.local_date(clock.now()):
        raise AppointmentError(
            f"Ce rendez-vous est prévu le {fr_moment(appointment.start)} : il ne peut pas "
            "encore être marqué honoré ou absent."
        )
    appointment.status = status
    appointment.save(update_fields=["status", "updated_at"])
    _event(kind, appointment, actor)
    return appointment


@transaction.atomic
def mark_attended(*, appointment: Appointment, actor: Actor) -> Appointment:
    return _mark(appointment, actor, Status.DONE, ATTENDED)


@transaction.atomic
def mark_no_show(*, appointment: Appointment, actor: Actor) -> Appointment:
    return _mark(appointment, actor, Status.NO_SHOW, NO_SHOW)


@transaction.atomic
def queue_reminder(*, appointment: Appointment, actor: Actor) -> bool:
    """Queue the day-before reminder once; False when it was already queued."""
    appointment = _locked(appointment)
    if appointment.status != Status.BOOKED or appointment.reminder_queued_at is not None:
        return False
    appointment.reminder_queued_at = clock.now()
    appointment.save(update_fields=["reminder_queued_at", "updated_at"])
    _event(REMINDER_QUEUED, appointment, actor)
    return True


PLACE_SAVED = "appointment.place_saved"
CLOSURE_SAVED = "appointment.closure_saved"
CLOSURE_DELETED = "appointment.closure_deleted"


@transaction.atomic
def save_place(
    *,
    place: Place,
    actor: Actor,
    changed: Iterable[str] = (),
    rows: Iterable[Desk | AppointmentType | OpeningHours] = (),
    deleted: Iterable[OpeningHours] = (),
) -> Place:
    """Save a place with its desks, types and opening hours (new or changed `rows`).

    Only opening hours are deleted: desks and types that appointments point to are
    deactivated instead. Raises ValidationError with French messages.
    """
    created = place.pk is None
    place.full_clean()
    place.save()
    rows, deleted = list(rows), list(deleted)
    if kept := [row for row in deleted if not isinstance(row, OpeningHours)]:
        raise ValidationError(f"Désactivez plutôt {kept[0]} : des rendez-vous peuvent y renvoyer.")
    for row in deleted:
        row.delete()
    for row in rows:
        row.place = place
        row.full_clean()
        row.save()
    journal.append(
        kind=PLACE_SAVED,
        actor=actor,
        authority_id=place.authority_id,
        subject=place,
        payload={
            "created": created,
            "changed": sorted(changed),
            "rows": sorted({type(row)._meta.model_name for row in rows}),
            "hours_deleted": len(deleted),
        },
    )
    return place


@transaction.atomic
def save_closure(*, closure: Closure, actor: Actor) -> Closure:
    """Record (or change) a closure of a place or one of its desks.

    Appointments already booked in it are kept: the agents call or cancel them.
    """
    created = closure.pk is None
    closure.full_clean()
    closure.save()
    _closure_event(CLOSURE_SAVED, closure, actor, created=created)
    return closure


@transaction.atomic
def delete_closure(*, closure: Closure, actor: Actor) -> None:
    _closure_event(CLOSURE_DELETED, closure, actor)
    closure.delete()


def _closure_event(kind: str, closure: Closure, actor: Actor, **payload) -> None:
    journal.append(
        kind=kind,
        actor=actor,
        authority_id=closure.place.authority_id,
        subject=closure,
        payload={
            "place": closure.place_id,
            "desk": closure.desk_id,
            "start": closure.start.isoformat(),
            "end": closure.end.isoformat(),
            "reason": closure.reason,
            **payload,
        },
    )
