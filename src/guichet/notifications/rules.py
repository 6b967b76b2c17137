"""Which journal events notify the person, and with which kind of message. No database here."""

from __future__ import annotations

from guichet.cases import events
from guichet.people.models import NotificationPreference

Kind = NotificationPreference.MessageKind

# A move into these states has its own message; other visible moves are a plain "status".
STATE_MESSAGES = {"waiting_user": Kind.ACTION_NEEDED, "resolved": Kind.RESOLVED}

# fmt: off
RULES = {
    #  event kind               message kind
    events.RECEIVED:            Kind.RECEIPT,
    events.STATUS_CHANGED:      Kind.STATUS,
    events.MESSAGE_SENT:        Kind.MESSAGE,
    events.HANDED_OFF:          Kind.HANDOFF,
}
# fmt: on


def message_kind_for(kind: str, payload: dict, visible_to_person: bool) -> str | None:
    """The message a journal event sends to the person, or None when it sends nothing."""
    if kind not in RULES or not visible_to_person:
        return None
    if kind == events.STATUS_CHANGED:
        return STATE_MESSAGES.get(payload.get("target", ""), Kind.STATUS)
    return RULES[kind]


# What a follower of the request (issue 16) is told: its progress, never the conversation
# with the filer (MESSAGE) nor a question only the filer can answer (ACTION_NEEDED).
FOLLOWER_KINDS = {Kind.STATUS, Kind.RESOLVED, Kind.HANDOFF}


def follower_message_kind(kind: str, payload: dict, visible_to_person: bool) -> str | None:
    """The message a journal event sends to each follower of the request, or None."""
    message_kind = message_kind_for(kind, payload, visible_to_person)
    return message_kind if message_kind in FOLLOWER_KINDS else None
