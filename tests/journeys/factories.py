"""Hand-built journeys: small event logs whose answers are known, written as Guichet's journal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl

from guichet.journeys.engine import EventLog, make_log

T0 = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)  # a Monday
AS_OF = T0 + timedelta(days=100)


def step(day: float, kind: str, **fields: Any) -> dict[str, Any]:
    """One event, `day` days after T0. `to=` moves the case into a state (a status change)."""
    to = fields.pop("to", None)
    source = fields.pop("source", None)
    event = {"timestamp": T0 + timedelta(days=day), "kind": kind, "visible": True, **fields}
    if kind == "request.received":
        event.setdefault("state", "received")
    if to is not None:
        event.update(state=to, source_state=source)
    event.setdefault(
        "activity", f"{kind}:{to}" if kind == "request.status_changed" and to else kind
    )
    return event


def received(day: float = 0, channel: str = "web", authority: str = "1", **fields) -> dict:
    return step(day, "request.received", channel=channel, authority=authority, **fields)


def status(day: float, source: str, to: str, **fields) -> dict:
    return step(day, "request.status_changed", source=source, to=to, **fields)


def contact(day: float, channel: str = "phone") -> dict:
    return step(day, "request.contact_recorded", channel=channel, visible=False)


def replied(day: float, channel: str = "web", moved: bool = True) -> dict:
    if moved:
        return step(
            day, "request.person_replied", channel=channel, source="waiting_user", to="in_progress"
        )
    return step(day, "request.person_replied", channel=channel)


def handed_off(day: float, to_authority: str) -> dict:
    return step(day, "request.handed_off", authority=to_authority)


def answered(day: float, *, resolved: bool, score: int) -> dict:
    return step(
        day, "satisfaction.answered", satisfaction_resolved=resolved, satisfaction_score=score
    )


def resolved_path(start: float = 1, end: float = 5) -> list[dict]:
    return [status(start, "received", "in_progress"), status(end, "in_progress", "resolved")]


def log_of(journeys: dict[str, list[dict]], **case_attributes: dict[str, Any]) -> EventLog:
    """`journeys`: case id → its events; `case_attributes`: case id → segments, due_at."""
    rows = [
        {"case_id": case_id, "event_id": index, **event}
        for case_id, events in journeys.items()
        for index, event in enumerate(events)
    ]
    events = pl.DataFrame(rows, infer_schema_length=None)
    cases = pl.DataFrame(
        [{"case_id": case_id, **case_attributes.get(case_id, {})} for case_id in journeys],
        infer_schema_length=None,
    )
    return make_log(events, cases)
