"""The appointments' share of an erasure (people.rights.erasure, ADR 0025).

An appointment holds no identifying data of its own (its person is pseudonymised): it stays, for
the agenda's statistics. An upcoming one is cancelled (through `cancel_appointment`, freeing the
slot) once the erasure is confirmed; for retention, a person with an upcoming appointment, or one
held within the platform's retention, is kept.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils.formats import date_format

from guichet.appointments import actions
from guichet.appointments.models import Appointment
from guichet.core import clock
from guichet.core.calendar import PARIS
from guichet.core.journal import Actor
from guichet.people.models import Person
from guichet.people.rights.erasure import Batch, Part, register

CANCEL_REASON = "Données de l'usager effacées."


def _upcoming(person: Person):  # type: ignore[no-untyped-def]
    return Appointment.objects.filter(
        person=person, status=Appointment.Status.BOOKED, start__gt=clock.now()
    ).select_related("type")


def _pending(person: Person) -> list[str]:
    return [
        f"Le rendez-vous du {date_format(a.start.astimezone(PARIS), 'j F Y à H:i')} "
        f"(« {a.type.name} ») sera annulé."
        for a in _upcoming(person)
    ]


def _close(person: Person, actor: Actor) -> int:
    closed = 0
    for appointment in _upcoming(person):
        actions.cancel_appointment(appointment=appointment, actor=actor, reason=CANCEL_REASON)
        closed += 1
    return closed


def _erase(batch: Batch) -> dict[str, int]:
    return {"appointments": Appointment.objects.filter(person_id__in=batch.person_ids).count()}


def _keeps(now: datetime) -> Q:
    recent = now - timedelta(days=settings.GUICHET_RETENTION_DAYS)
    needed = Appointment.objects.filter(person_id=OuterRef("pk")).filter(
        Q(status=Appointment.Status.BOOKED, end__gt=now) | Q(end__gt=recent)
    )
    return Q(Exists(needed))


register(
    Part(
        name="appointments", order=20, erase=_erase, pending=_pending, close=_close,
        keeps=_keeps, holds=lambda: Q(Exists(Appointment.objects.filter(person_id=OuterRef("pk")))),
    )
)  # fmt: skip
