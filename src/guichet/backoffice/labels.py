"""French wording of journal events for agents: every kind (core.event_labels), with what
happened in detail."""

from __future__ import annotations

from guichet.cases import events as case_events
from guichet.cases.workflow import IllegalTransition, Workflow
from guichet.catalogue.models import Channel
from guichet.core.event_labels import event_label
from guichet.core.models import Event

__all__ = ["channel_label", "event_detail", "event_label"]

CHANNEL_LABELS = dict(Channel.choices)


def channel_label(channel: str) -> str:
    return CHANNEL_LABELS.get(channel, channel)


def _state_label(workflow: Workflow | None, name: str) -> str:
    if workflow is None:
        return name
    try:
        return workflow.state(name).label
    except IllegalTransition:
        return name


def event_detail(event: Event, workflow: Workflow | None = None) -> str:
    """One French line saying what the event changed (empty when the label says it all)."""
    payload = event.payload or {}
    kind = event.kind
    if kind == case_events.STATUS_CHANGED:
        text = (
            f"« {_state_label(workflow, payload.get('source', ''))} » → "
            f"« {_state_label(workflow, payload.get('target', ''))} »"
        )
        return text + (f" : {payload['note']}" if payload.get("note") else "")
    if kind == case_events.HANDED_OFF:
        return (
            f"De {payload.get('from_authority', '?')} à {payload.get('to_authority', '?')}"
            f" : {payload.get('reason', '')}"
        )
    if kind == case_events.ASSIGNED:
        parts = []
        if payload.get("team"):
            parts.append(f"équipe {payload['team']}")
        parts.append(f"agent {payload['assignee']}" if payload.get("assignee") else "sans agent")
        return ", ".join(parts)
    if kind == case_events.CONTACT_RECORDED:
        text = f"Par {channel_label(event.channel)}"
        return text + (f" : {payload['note']}" if payload.get("note") else "")
    if kind == case_events.LINKED:
        what = "doublon de" if payload.get("duplicate") else "liée à"
        return f"{what} {payload.get('other', '')}"
    if kind == case_events.MERGED:
        text = f"dans {payload.get('parent', '')}"
        return text + (f" : {payload['note']}" if payload.get("note") else "")
    if kind == case_events.UNMERGED:
        return f"de {payload.get('parent', '')} : {payload.get('reason', '')}"
    if kind == case_events.RECEIVED:
        return f"Par {channel_label(event.channel)}" if event.channel else ""
    if kind == "notification.sent":
        return f"Par {channel_label(payload.get('channel', ''))}"
    if kind == "notification.failed":
        what = "rejetée par le destinataire" if payload.get("bounced") else "échec"
        return (
            f"Par {channel_label(payload.get('channel', ''))}, {what} : {payload.get('error', '')}"
        )
    if kind == case_events.PERSON_REPLIED and payload.get("source") != payload.get("target"):
        return f"La demande reprend : « {_state_label(workflow, payload.get('target', ''))} »"
    return ""
