"""Back office: a place's agenda per desk, booking on a person's behalf, cancel, move, mark.

Agents see only their authorities' places (access.py); any other answers the same 404.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from guichet.appointments import actions, selectors, slots
from guichet.appointments.access import access_appointment, access_place, places_for_agent
from guichet.appointments.actions import AppointmentError
from guichet.appointments.forms import (
    AGENT_CHANNELS,
    BadInput,
    parse_channel,
    parse_day,
    parse_slot,
    slot_param,
)
from guichet.appointments.models import AppointmentType
from guichet.appointments.text import fr_day, fr_moment, fr_time
from guichet.backoffice import counter
from guichet.backoffice.views._common import agent_required
from guichet.core import calendar, clock
from guichet.core.journal import Actor
from guichet.people import events as person_events
from guichet.people.models import Person


def _render(http, template, context, status=200):
    return render(
        http, f"appointments/agents/{template}", {"nav": "agendas", **context}, status=status
    )


@agent_required
def places(http):
    return _render(http, "places.html", {"title": "Agendas", "places": places_for_agent(http.user)})


@agent_required
def agenda(http, place):
    place = access_place(http.user, place)
    today = calendar.local_date(clock.now())
    try:
        day = parse_day(http.GET.get("jour"), today)
    except BadInput as bad:
        return _render(
            http,
            "agenda.html",
            {"title": place.name, "place": place, "error": str(bad)},
            status=400,
        )
    weekly = http.GET.get("vue") == "semaine"
    first = selectors.monday_of(day) if weekly else day
    last = first + timedelta(days=6 if weekly else 0)
    desks, days = selectors.agenda(place, first, last)
    step = 7 if weekly else 1
    return _render(
        http, "agenda.html",
        {"title": f"Agenda — {place.name}", "place": place, "desks": desks,
         "days": [(fr_day(d), d, rows) for d, rows in days], "weekly": weekly,
         "day": day, "label": f"Semaine du {fr_day(first)}" if weekly else fr_day(day),
         "previous": (day - timedelta(days=step)).isoformat(),
         "next": (day + timedelta(days=step)).isoformat()},
    )  # fmt: skip


def _book_context(http, place, data):
    types = list(AppointmentType.objects.filter(place=place, active=True))
    today = calendar.local_date(clock.now())
    chosen = next(
        (t for t in types if str(t.pk) == str(data.get("type", ""))), types[0] if types else None
    )
    day = parse_day(data.get("jour"), today)
    found = slots.free_slots(chosen, day, day) if chosen else []
    query = (data.get("q") or "").strip()
    return {
        "title": f"Prendre un rendez-vous — {place.name}", "place": place, "types": types,
        "chosen": chosen, "day": day, "day_label": fr_day(day),
        "slots": [(slot_param(s.start), fr_time(s.start), len(s.desk_ids)) for s in found],
        # beyond the authority's people, only an exact e-mail or phone, to recognise (ADR 0017)
        "q": query,
        "found": counter.look_up(
            http.user, query, reason=person_events.BOOKING_AT_COUNTER
        ).all if query else [],
        "channels": AGENT_CHANNELS, "selected_person": str(data.get("personne", "")),
        "selected_slot": str(data.get("debut", "")), "selected_channel": data.get("canal", "counter"),
        "previous_day": (day - timedelta(days=1)).isoformat(),
        "next_day": (day + timedelta(days=1)).isoformat(),
    }  # fmt: skip


@agent_required
def book(http, place):
    place = access_place(http.user, place)
    data = http.POST if http.method == "POST" else http.GET
    try:
        context = _book_context(http, place, data)
    except BadInput as bad:
        context = _book_context(http, place, {})
        return _render(http, "book.html", context | {"errors": [str(bad)]}, status=400)
    if http.method != "POST":
        return _render(http, "book.html", context)
    try:
        appointment = _book(http, place, context["chosen"], data)
    except (BadInput, AppointmentError) as refused:
        return _render(http, "book.html", context | {"errors": [str(refused)]}, status=400)
    messages.success(
        http, f"Rendez-vous {appointment.reference} pris pour le {fr_moment(appointment.start)}."
    )
    return redirect("agendas:detail", pk=appointment.pk)


def _book(http, place, appointment_type, data):
    if appointment_type is None:
        raise BadInput("Motif : choisissez un type de rendez-vous.")
    chosen = str(data.get("personne", ""))
    person = (
        Person.objects.filter(pk=chosen, merged_into=None).first()
        if chosen.isdecimal() and len(chosen) <= 18
        else None
    )
    if person is None or not counter.may_act_for(http.user, person):
        raise BadInput("Usager : recherchez puis choisissez la personne qui prend rendez-vous.")
    start = parse_slot(data.get("debut"))
    channel = parse_channel(data.get("canal"))
    return actions.book_appointment(
        appointment_type=appointment_type, start=start, person=person,
        actor=Actor.agent(http.user), channel=channel, agent=http.user,
    )  # fmt: skip


@agent_required
def detail(http, pk):
    return _detail_page(http, access_appointment(http.user, pk))


def _detail_page(http, appointment, errors=None, status=200):
    today = calendar.local_date(clock.now())
    try:
        day = parse_day(http.GET.get("jour"), max(today, calendar.local_date(appointment.start)))
    except BadInput:
        day = today
    free = slots.free_slots(appointment.type, day, day, ignore=appointment)
    return _render(
        http, "detail.html",
        {"title": f"Rendez-vous {appointment.reference}", "appointment": appointment,
         "when": fr_moment(appointment.start), "ends": fr_time(appointment.end),
         "day": day, "day_label": fr_day(day), "errors": errors or [],
         "slots": [(slot_param(s.start), fr_time(s.start)) for s in free],
         "previous_day": (day - timedelta(days=1)).isoformat(),
         "next_day": (day + timedelta(days=1)).isoformat(),
         "changeable": appointment.status == "booked" and appointment.start > clock.now()},
        status=status,
    )  # fmt: skip


def _act(http, pk, act, done: str):
    appointment = access_appointment(http.user, pk)
    try:
        act(appointment)
    except (BadInput, AppointmentError) as refused:
        appointment.refresh_from_db()
        return _detail_page(http, appointment, errors=[str(refused)], status=400)
    messages.success(http, done)
    return redirect("agendas:detail", pk=pk)


@require_POST
@agent_required
def cancel(http, pk):
    return _act(
        http, pk,
        lambda a: actions.cancel_appointment(
            appointment=a, actor=Actor.agent(http.user), reason=http.POST.get("motif", "")
        ),
        "Le rendez-vous est annulé.",
    )  # fmt: skip


@require_POST
@agent_required
def move(http, pk):
    return _act(
        http, pk,
        lambda a: actions.move_appointment(
            appointment=a, start=parse_slot(http.POST.get("debut")), actor=Actor.agent(http.user)
        ),
        "Le rendez-vous a été déplacé.",
    )  # fmt: skip


@require_POST
@agent_required
def attended(http, pk):
    return _act(
        http, pk, lambda a: actions.mark_attended(appointment=a, actor=Actor.agent(http.user)),
        "Présence enregistrée.",
    )  # fmt: skip


@require_POST
@agent_required
def no_show(http, pk):
    return _act(
        http, pk, lambda a: actions.mark_no_show(appointment=a, actor=Actor.agent(http.user)),
        "Absence enregistrée.",
    )  # fmt: skip
