"""Portal: choose a place and a reason, a slot in a week, give contact details; then the
confirmation and the manage page reached by the secret link (cancel, change, .ics)."""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from guichet.appointments import actions, ics, selectors, slots
from guichet.appointments.access import access_by_secret
from guichet.appointments.actions import AppointmentError
from guichet.appointments.forms import BadInput, parse_day, parse_slot, slot_param
from guichet.appointments.text import fr_day, fr_moment, fr_time
from guichet.core import calendar, clock
from guichet.core.journal import Actor
from guichet.people.actions import Applicant, IdentifierError, PeopleError
from guichet.portal.forms import ContactForm
from guichet.portal.session import current_person
from guichet.portal.views._common import limited, not_found, page, too_many_tries

# Who writes a new person's record when the visitor is not signed in: the portal itself.
PORTAL = Actor.application("portail")
BOOKINGS_PER_HOUR = 10


def home(http):
    return page(
        http, "appointments/portal/home.html",
        {"title": "Prendre rendez-vous", "places": selectors.bookable_places()},
    )  # fmt: skip


def _week_context(http, appointment_type, *, ignore=None):
    today = calendar.local_date(clock.now())
    monday = selectors.monday_of(parse_day(http.GET.get("semaine"), today))
    monday = max(monday, selectors.monday_of(today))
    days = selectors.week_of_slots(appointment_type, monday, ignore=ignore)
    return {
        "type": appointment_type, "place": appointment_type.place,
        "days": [(fr_day(day), [(fr_time(s.start), slot_param(s.start)) for s in found])
                 for day, found in days],
        "monday": monday, "week_label": f"Semaine du {fr_day(monday)}",
        "previous_week": (monday - timedelta(days=7)).isoformat() if monday > selectors.monday_of(today) else "",
        "next_week": (monday + timedelta(days=7)).isoformat(),
    }  # fmt: skip


def week(http, place, slug):
    appointment_type = selectors.bookable_type(place, slug)
    if appointment_type is None:
        return not_found(http, "Ce type de rendez-vous n'est pas proposé.")
    try:
        context = _week_context(http, appointment_type)
    except BadInput as bad:
        return not_found(http, str(bad))
    return page(http, "appointments/portal/week.html", {"title": appointment_type.name, **context})


@require_http_methods(["GET", "POST"])
def book(http, place, slug):
    appointment_type = selectors.bookable_type(place, slug)
    if appointment_type is None:
        return not_found(http, "Ce type de rendez-vous n'est pas proposé.")
    person = current_person(http)
    context = {"title": f"Rendez-vous : {appointment_type.name}", "type": appointment_type,
               "place": appointment_type.place, "signed_in_person": person}  # fmt: skip
    errors: list[str] = []
    if http.method == "POST":
        verdict = limited(http, "appointments.book", limit=BOOKINGS_PER_HOUR, window=3600)
        if not verdict.allowed:
            return too_many_tries(http, verdict)
    try:
        start = parse_slot(
            http.POST.get("debut") if http.method == "POST" else http.GET.get("debut")
        )
    except BadInput as bad:
        return page(
            http, "appointments/portal/refused.html", context | {"message": str(bad)}, status=400
        )
    context |= {"start": start, "when": fr_moment(start), "slot": slot_param(start)}
    if http.method == "GET":
        # A stale link (slot taken or past since the week was shown) says so before any typing.
        if reason := slots.refusal(appointment_type, start):
            return page(
                http, "appointments/portal/refused.html", context | {"message": reason}, status=400
            )
        contact = None if person else ContactForm(prefix="contact")
        return page(http, "appointments/portal/book.html", context | {"contact": contact})
    contact = ContactForm(http.POST, prefix="contact") if person is None else None
    if contact is None or contact.is_valid():
        try:
            appointment = _book(appointment_type, start, person, contact)
        except (AppointmentError, IdentifierError, PeopleError) as refused:
            errors = [str(refused)]
        else:
            return redirect("appointments:confirmation", secret=appointment.secret)
    summary = [
        (contact[name].id_for_label, contact[name].label, message)
        for name, messages in (contact.errors.items() if contact is not None else ())
        for message in messages
    ]
    return page(
        http, "appointments/portal/book.html",
        context | {"contact": contact, "summary": summary, "general_errors": errors}, status=400,
    )  # fmt: skip


def _book(appointment_type, start, person, contact):
    if person is not None:
        applicant = Applicant(person=person)
    else:
        data = contact.cleaned_data
        applicant = Applicant(
            first_name=data["first_name"], last_name=data["last_name"],
            email=data["email"] or None, phone=data["phone"] or None,
        )  # fmt: skip
    return actions.book_appointment(
        appointment_type=appointment_type, start=start, applicant=applicant,
        registrar=PORTAL, channel="web",
    )  # fmt: skip


def _appointment(secret):
    try:
        return access_by_secret(secret)
    except Http404:
        return None


def _details(appointment) -> dict:
    return {
        "appointment": appointment, "place": appointment.type.place,
        "when": fr_moment(appointment.start), "ends": fr_time(appointment.end),
        "changeable": appointment.status == "booked" and appointment.start > clock.now(),
    }  # fmt: skip


def confirmation(http, secret):
    appointment = _appointment(secret)
    if appointment is None:
        return not_found(http, "Rendez-vous introuvable.")
    return page(
        http, "appointments/portal/confirmation.html",
        {"title": "Rendez-vous confirmé", **_details(appointment),
         "manage_link": http.build_absolute_uri(
             reverse("appointments:manage", kwargs={"secret": appointment.secret}))},
    )  # fmt: skip


def manage(http, secret):
    appointment = _appointment(secret)
    if appointment is None:
        return not_found(http, "Rendez-vous introuvable.")
    return page(
        http, "appointments/portal/manage.html",
        {"title": f"Rendez-vous {appointment.reference}", **_details(appointment),
         "notice": http.GET.get("fait", "")},
    )  # fmt: skip


@require_POST
def cancel(http, secret):
    appointment = _appointment(secret)
    if appointment is None:
        return not_found(http, "Rendez-vous introuvable.")
    try:
        actions.cancel_appointment(appointment=appointment, actor=Actor.person(appointment.person))
    except AppointmentError as refused:
        return page(
            http, "appointments/portal/manage.html",
            {"title": f"Rendez-vous {appointment.reference}", **_details(appointment),
             "general_errors": [str(refused)]}, status=400,
        )  # fmt: skip
    return redirect(reverse("appointments:manage", kwargs={"secret": secret}) + "?fait=annule")


@require_http_methods(["GET", "POST"])
def change(http, secret):
    appointment = _appointment(secret)
    if appointment is None:
        return not_found(http, "Rendez-vous introuvable.")
    errors: list[str] = []
    if http.method == "POST":
        try:
            start = parse_slot(http.POST.get("debut"))
            actions.move_appointment(
                appointment=appointment, start=start, actor=Actor.person(appointment.person)
            )
        except (BadInput, AppointmentError) as refused:
            errors = [str(refused)]
            appointment.refresh_from_db()
        else:
            return redirect(
                reverse("appointments:manage", kwargs={"secret": secret}) + "?fait=deplace"
            )
    try:
        context = _week_context(http, appointment.type, ignore=appointment)
    except BadInput as bad:
        return not_found(http, str(bad))
    return page(
        http, "appointments/portal/change.html",
        {"title": "Changer de créneau", **_details(appointment), **context,
         "general_errors": errors}, status=400 if errors else 200,
    )  # fmt: skip


def calendar_file(http, secret):
    appointment = _appointment(secret)
    if appointment is None:
        return not_found(http, "Rendez-vous introuvable.")
    response = HttpResponse(
        ics.calendar_for(appointment), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{ics.FILENAME}"'
    return response
