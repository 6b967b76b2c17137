"""What a resident can do to get an appointment: book online, or ask, or call.

A service is an appointment service when an appointment type is linked to it, or when its name
says so (« Prendre rendez-vous pour un passeport »): its page then leads to the booking pages of
the authority that delivers it, not to a request form. Where that authority has no place taking
bookings online, the page says so and offers what remains: a written request (the authority
calls back to fix the appointment) and its contact details.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from guichet.appointments.models import AppointmentType
from guichet.authorities.models import Authority
from guichet.catalogue.models import Service
from guichet.territory.models import Commune
from guichet.territory.text import normalize_name

APPOINTMENT_WORDS = "rendez vous"


@dataclass(frozen=True)
class ServiceBooking:
    """How to get an appointment for one service from the authority delivering it."""

    authority: Authority
    is_appointment: bool  # the service is (also) an appointment to book
    types: list[AppointmentType] = field(default_factory=list)  # where to book online


@dataclass(frozen=True)
class CommuneBooking:
    """Where a resident of a commune can book online, or whom to contact instead."""

    places: list[tuple[object, list[AppointmentType]]]  # (place, its types), by authority
    town_hall: Authority | None  # the commune's own authority on the platform, if any


def bookable_types(authority_ids) -> list[AppointmentType]:
    """The appointment types open to online booking at the places of these authorities."""
    return list(
        AppointmentType.objects.filter(
            active=True,
            place__active=True,
            place__authority__is_active=True,
            place__authority_id__in=list(authority_ids),
        )
        .select_related("place__authority")
        .order_by("place__authority__name", "place__name", "name")
    )


def named_as_appointment(service: Service) -> bool:
    return APPOINTMENT_WORDS in normalize_name(f"{service.name} {service.slug}")


def booking_for(service: Service, authority: Authority) -> ServiceBooking:
    """How to get an appointment for `service` from `authority` (see the module docstring).

    The types linked to the service come first; an appointment service without any linked type
    at this authority offers the authority's other types (the resident picks the reason)."""
    types = bookable_types([authority.pk])
    linked = [t for t in types if t.service_id == service.pk]
    is_appointment = (
        bool(linked)
        or named_as_appointment(service)
        or AppointmentType.objects.filter(service=service, active=True).exists()
    )
    if not is_appointment:
        return ServiceBooking(authority, False)
    return ServiceBooking(authority, True, linked or types)


def booking_at(commune: Commune, authority_ids) -> CommuneBooking:
    """The places taking bookings online for the authorities serving `commune`."""
    places: dict[int, tuple[object, list[AppointmentType]]] = {}
    for appointment_type in bookable_types(authority_ids):
        places.setdefault(appointment_type.place_id, (appointment_type.place, []))[1].append(
            appointment_type
        )
    town_hall = Authority.objects.filter(
        commune=commune, kind=Authority.Kind.COMMUNE, is_active=True
    ).first()
    return CommuneBooking(list(places.values()), town_hall)
