"""The relationship an appointment makes between a person and an authority (`people.access`)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from guichet.appointments.models import Appointment


def with_appointments_at(authority_ids: frozenset[int]) -> Q:
    """Persons who booked (or had booked for them) an appointment at a place of one of
    `authority_ids`, whatever became of it."""
    return Q(
        Exists(
            Appointment.objects.filter(
                person_id=OuterRef("pk"), desk__place__authority_id__in=authority_ids
            )
        )
    )
