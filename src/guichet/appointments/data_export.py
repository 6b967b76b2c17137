"""A person's appointments in their data export (people.rights.export)."""

from __future__ import annotations

from typing import Any

from guichet.appointments.models import Appointment
from guichet.people.rights.export import Collector, Section, register_section


def appointments_section(collector: Collector) -> list[dict[str, Any]]:
    return [
        {
            "reference": appointment.reference,
            "motif": appointment.type.name,
            "lieu": appointment.type.place.name,
            "adresse": appointment.type.place.address,
            "collectivite": appointment.type.place.authority.name,
            "debut": appointment.start,
            "fin": appointment.end,
            "etat": appointment.get_status_display(),
            "pris": appointment.get_channel_display(),
            "demande": appointment.request.reference if appointment.request else None,
            "pris_le": appointment.created_at,
        }
        for appointment in Appointment.objects.filter(person_id__in=collector.person_ids)
        .select_related("type__place__authority", "request")
        .order_by("start", "pk")
    ]


register_section(
    Section(
        "rendez-vous",
        "vos rendez-vous : le motif, le lieu, la date, l'état (réservé, annulé, honoré).",
        appointments_section,
        order=20,
    )
)
