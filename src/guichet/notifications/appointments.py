"""The messages an appointment sends: confirmation, change, cancellation, reminder.

Queued in the outbox inside the caller's transaction (notifications.outbox.enqueue), with the
iCalendar file on the e-mail, so a message exists exactly when the booking committed.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from guichet.appointments import ics
from guichet.appointments.models import Appointment
from guichet.appointments.text import fr_moment
from guichet.notifications.models import Channel
from guichet.notifications.outbox import enqueue
from guichet.people.models import NotificationPreference

KIND = NotificationPreference.MessageKind.APPOINTMENT

HEADLINES = {
    "booked": ("confirmé", "Votre rendez-vous « {type} » est confirmé le {when}"),
    "moved": ("modifié", "Votre rendez-vous « {type} » a été déplacé au {when}"),
    "cancelled": ("annulé", "Votre rendez-vous « {type} » du {when} est annulé"),
    "reminder": ("", "Rappel : vous avez rendez-vous demain, le {when}, pour « {type} »"),
}


def manage_url(appointment: Appointment) -> str:
    path = reverse("appointments:manage", kwargs={"secret": appointment.secret})
    return f"{settings.GUICHET_BASE_URL}{path}"


def queue(appointment: Appointment, what: str, key: str) -> int:
    """Queue the `what` message (see HEADLINES) on every channel the person wants; the count."""
    place = appointment.type.place
    state, headline = HEADLINES[what]
    message = headline.format(type=appointment.type.name, when=fr_moment(appointment.start))
    message += f", à {place.name}" + (f" ({place.address})" if place.address else "") + "."
    if what != "cancelled":
        message += f"\n\nPour le modifier ou l'annuler : {manage_url(appointment)}"
    variables = {
        "usager": str(appointment.person).strip() or "Madame, Monsieur",
        "reference": appointment.reference,
        "service": appointment.type.name,
        "etat": state,
        "collectivite": place.authority.name,
        "message": message,
        "lien_suivi": manage_url(appointment),
    }
    calendar = ics.calendar_for(appointment)
    queued = 0
    for channel in Channel.values:
        notification = enqueue(
            person=appointment.person, channel=channel, message_kind=KIND, variables=variables,
            idempotency_key=f"{key}:{channel}", request=appointment.request,
            authority=place.authority,
        )  # fmt: skip
        if notification is None:
            continue
        queued += 1
        if channel == Channel.EMAIL and notification.ics != calendar:
            notification.ics = calendar
            notification.save(update_fields=["ics"])
    return queued
