"""The only ways to fetch a protected place or appointment: by agent, or by secret link.

Missing and forbidden answer the same Http404, so an agent cannot probe other authorities.
"""

from __future__ import annotations

from django.http import Http404

from guichet.appointments.models import Appointment, Place
from guichet.authorities.access import authority_ids_for


def places_for_agent(user):
    return Place.objects.filter(authority_id__in=authority_ids_for(user)).select_related(
        "authority"
    )


def access_place(user, pk) -> Place:
    place = places_for_agent(user).filter(pk=pk).first()
    if place is None:
        raise Http404("Lieu d'accueil introuvable.")
    return place


def access_appointment(user, pk) -> Appointment:
    appointment = (
        Appointment.objects.filter(pk=pk, type__place__authority_id__in=authority_ids_for(user))
        .select_related("type__place__authority", "desk", "person", "booked_by")
        .first()
    )
    if appointment is None:
        raise Http404("Rendez-vous introuvable.")
    return appointment


def access_by_secret(secret: str) -> Appointment:
    """The appointment whose manage link this is (Http404 for any other string)."""
    appointment = (
        Appointment.objects.filter(secret=str(secret)[:64])
        .select_related("type__place__authority", "desk", "person")
        .first()
        if secret
        else None
    )
    if appointment is None:
        raise Http404("Rendez-vous introuvable.")
    return appointment
