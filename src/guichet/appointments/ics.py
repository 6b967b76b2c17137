"""The iCalendar file of an appointment, for the confirmation e-mail and the download links."""

from __future__ import annotations

from icalendar import Calendar, Event

from guichet.appointments.models import Appointment
from guichet.core import clock
from guichet.core.calendar import PARIS

FILENAME = "rendez-vous.ics"
MIMETYPE = "text/calendar"


def calendar_for(appointment: Appointment) -> str:
    """A one-event calendar: cancelled appointments say so, so that calendars remove them."""
    place = appointment.type.place
    cancelled = appointment.status == Appointment.Status.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", "-//Guichet//Rendez-vous//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"{appointment.reference}@guichet")
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", clock.now())
    event.add("dtstart", appointment.start.astimezone(PARIS))
    event.add("dtend", appointment.end.astimezone(PARIS))
    event.add("summary", f"Rendez-vous : {appointment.type.name}")
    event.add("location", ", ".join(p for p in (place.name, place.address) if p))
    event.add(
        "description",
        f"{place.authority.name} — référence {appointment.reference}. "
        "Pour modifier ou annuler : utilisez le lien reçu par courriel.",
    )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()


def attach_to(email_message, notification) -> None:
    """Attach the notification's calendar file, if it has one, to a Django EmailMessage.

    Called by the e-mail transport (notifications.delivery.send_email) before sending.
    """
    content = getattr(notification, "ics", "")
    if content:
        email_message.attach(FILENAME, content, MIMETYPE)
