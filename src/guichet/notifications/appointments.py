"""The messages an appointment sends: confirmation, change, cancellation, reminder.

`on_event` is subscribed to the `appointment.*` events in the writer's transaction
(`journal.subscribe_in_transaction`), so the message, with the iCalendar file on the e-mail,
exists exactly when the booking committed; appointments never import notifications.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from guichet.appointments import actions, ics
from guichet.appointments.models import Appointment
from guichet.appointments.text import fr_moment
from guichet.core.models import Event
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


def on_event(event: Event) -> None:
    """The journal hook: queue the message of a booking, a move, a cancellation, a reminder."""
    what = {
        actions.BOOKED: "booked", actions.MOVED: "moved",
        actions.CANCELLED: "cancelled", actions.REMINDER_QUEUED: "reminder",
    }.get(event.kind)  # fmt: skip
    if what is None or getattr(event, "replayed", False):
        return  # a replayed past (the demo's bookings) tells nobody anything
    appointment = getattr(event, "subject_object", None)
    if not isinstance(appointment, Appointment) or appointment.pk != event.subject_id:
        appointment = Appointment.objects.select_related(
            "type__place__authority", "person", "request"
        ).get(pk=event.subject_id)
    key = {
        "booked": f"appointment:{appointment.pk}:booked",
        "cancelled": f"appointment:{appointment.pk}:cancelled",
        "moved": f"appointment:{appointment.pk}:moved:{appointment.sequence}",
        "reminder": f"appointment:{appointment.pk}:reminder:{appointment.start.isoformat()}",
    }[what]
    queue(appointment, what, key=key)


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
