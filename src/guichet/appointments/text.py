"""Dates and times the French way, in Europe/Paris (messages, pages, calendar files)."""

from __future__ import annotations

from datetime import date, datetime

from guichet.core.calendar import PARIS

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def fr_day(day: date) -> str:
    """ "lundi 23 novembre 2026" (1er for the first of the month)."""
    if isinstance(day, datetime):
        day = day.astimezone(PARIS).date()
    number = "1er" if day.day == 1 else str(day.day)
    return f"{WEEKDAYS[day.weekday()]} {number} {MONTHS[day.month - 1]} {day.year}"


def fr_time(moment: datetime) -> str:
    local = moment.astimezone(PARIS)
    return f"{local.hour} h {local.minute:02d}"


def fr_moment(moment: datetime) -> str:
    """ "lundi 23 novembre 2026 à 9 h 20"."""
    return f"{fr_day(moment)} à {fr_time(moment)}"
