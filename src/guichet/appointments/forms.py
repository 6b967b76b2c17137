"""Reading what the pages post: a slot (as a timestamp), a day, a week, a channel."""

from __future__ import annotations

from datetime import UTC, date, datetime

from guichet.appointments.models import Appointment
from guichet.core.calendar import PARIS

SLOT_ERROR = "Ce créneau n'existe pas : choisissez un créneau proposé."


class BadInput(ValueError):
    pass


def slot_param(moment: datetime) -> str:
    """How a slot travels in links and forms: seconds since the epoch (no zone ambiguity)."""
    return str(int(moment.timestamp()))


def parse_slot(raw) -> datetime:
    try:
        seconds = int(str(raw or "").strip())
        return datetime.fromtimestamp(seconds, tz=UTC).astimezone(PARIS)
    except (ValueError, OverflowError, OSError):
        raise BadInput(SLOT_ERROR) from None


def parse_day(raw, default: date) -> date:
    if not raw:
        return default
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise BadInput("Cette date n'est pas valide (format attendu : AAAA-MM-JJ).") from None


AGENT_CHANNELS = {
    Appointment.Channel.COUNTER: "À l'accueil",
    Appointment.Channel.PHONE: "Par téléphone",
}


def parse_channel(raw) -> str:
    if raw not in AGENT_CHANNELS:
        raise BadInput("Canal : choisissez « à l'accueil » ou « par téléphone ».")
    return raw
