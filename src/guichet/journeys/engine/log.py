"""The event log every figure is computed from: one events frame, one cases frame (Polars).

Guichet's journal and external logs (CSV, Parquet, XES) are both read into this shape, so the
process map, the variants and the irritants never know where a log came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

import polars as pl

TIMESTAMP = pl.Datetime("us", "UTC")

# The events frame. `state` is the workflow state an event moves the case into (Guichet) or
# the activity itself (external logs); `visible` tells whether the user saw the event.
EVENT_SCHEMA: dict[str, pl.DataType] = {
    "event_id": pl.Int64(),
    "case_id": pl.String(),
    "activity": pl.String(),
    "timestamp": TIMESTAMP,
    "resource": pl.String(),
    "channel": pl.String(),
    "kind": pl.String(),
    "state": pl.String(),
    "source_state": pl.String(),
    "visible": pl.Boolean(),
    "person_id": pl.String(),
    "authority": pl.String(),  # the authority holding the case after a receipt or hand-off
    "team": pl.String(),  # the team holding the case after a receipt or assignment
    "satisfaction_resolved": pl.Boolean(),
    "satisfaction_score": pl.Int64(),
}

# The cases frame: one row per case; the segment columns every figure can be cut by.
SEGMENTS = ("category", "channel", "service", "team", "authority", "commune")
CASE_SCHEMA: dict[str, pl.DataType] = {
    "case_id": pl.String(),
    **{name: pl.String() for name in SEGMENTS},
    "received_at": TIMESTAMP,
    "due_at": TIMESTAMP,
}

# Guichet's journal kinds the irritants read (external logs simply have none of them).
RECEIVED = "request.received"
STATUS_CHANGED = "request.status_changed"
PERSON_REPLIED = "request.person_replied"
CONTACT_RECORDED = "request.contact_recorded"
HANDED_OFF = "request.handed_off"
ASSIGNED = "request.assigned"
SATISFACTION_ANSWERED = "satisfaction.answered"
INBOUND_KINDS = (RECEIVED, CONTACT_RECORDED, PERSON_REPLIED)  # the user comes to us
WAITING_USER = "waiting_user"
TERMINAL_STATES = ("resolved", "rejected", "cancelled", "closed")
REOPENABLE_STATES = TERMINAL_STATES


@dataclass(frozen=True)
class EventLog:
    """An event log: `events` sorted by case, time and arrival; `cases` one row per case.

    `origin` says where it came from ("journal" or a file name); `is_guichet` whether it
    carries Guichet's journal kinds (contacts, replies, hand-offs), which some irritants need.
    """

    events: pl.DataFrame
    cases: pl.DataFrame
    origin: str = "journal"
    extra_case_columns: tuple[str, ...] = field(default=())

    @property
    def is_guichet(self) -> bool:
        return self.events.height > 0 and bool(
            self.events.select((pl.col("kind") == RECEIVED).any()).item()
        )

    @property
    def case_count(self) -> int:
        return self.cases.height

    @property
    def event_count(self) -> int:
        return self.events.height


def make_log(
    events: pl.DataFrame,
    cases: pl.DataFrame | None = None,
    *,
    origin: str = "journal",
) -> EventLog:
    """Complete both frames to their schemas, sort the events, derive missing case rows."""
    events = _conform(events, EVENT_SCHEMA, keep_extra=False)
    if events.height and events["event_id"].null_count() == events.height:
        events = events.with_columns(event_id=pl.int_range(pl.len(), dtype=pl.Int64))
    events = events.sort(["case_id", "timestamp", "event_id"], maintain_order=True)
    derived = events.group_by("case_id").agg(
        pl.col("timestamp").min().alias("_first"),
        pl.col("channel").drop_nulls().first().alias("_channel"),
    )
    cases = _conform(cases if cases is not None else pl.DataFrame(), CASE_SCHEMA, keep_extra=True)
    cases = (
        derived.join(cases, on="case_id", how="left")
        .with_columns(
            received_at=pl.coalesce("received_at", "_first"),
            channel=pl.coalesce("channel", "_channel"),
        )
        .drop("_first", "_channel")
        .sort("case_id")
    )
    extra = tuple(c for c in cases.columns if c not in CASE_SCHEMA)
    return EventLog(events=events, cases=cases, origin=origin, extra_case_columns=extra)


def _conform(frame: pl.DataFrame, schema: dict[str, pl.DataType], *, keep_extra: bool):
    missing = [pl.lit(None, dtype=t).alias(n) for n, t in schema.items() if n not in frame.columns]
    frame = frame.with_columns(missing) if missing else frame
    typed = frame.with_columns(pl.col(n).cast(t) for n, t in schema.items())
    extra = [c for c in frame.columns if c not in schema] if keep_extra else []
    return typed.select([*schema, *extra])


@dataclass(frozen=True)
class Filters:
    """A segment of the log: cases matching every given attribute, started within the period.

    Each attribute takes one value or several; the period keeps the cases whose first event
    falls in [since, until).
    """

    category: tuple[str, ...] = ()
    channel: tuple[str, ...] = ()
    service: tuple[str, ...] = ()
    team: tuple[str, ...] = ()
    authority: tuple[str, ...] = ()
    commune: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None

    def with_values(self, **values) -> Filters:
        return replace(self, **values)

    @property
    def is_empty(self) -> bool:
        return self == Filters()


def filter_log(log: EventLog, filters: Filters | None) -> EventLog:
    """The sub-log of the cases in the segment, with all their events."""
    if filters is None or filters.is_empty:
        return log
    condition = pl.lit(True)
    for name in SEGMENTS:
        values = getattr(filters, name)
        if values:
            condition &= pl.col(name).is_in(list(values))
    if filters.since is not None:
        condition &= pl.col("received_at") >= pl.lit(filters.since).cast(TIMESTAMP)
    if filters.until is not None:
        condition &= pl.col("received_at") < pl.lit(filters.until).cast(TIMESTAMP)
    cases = log.cases.filter(condition)
    events = log.events.filter(pl.col("case_id").is_in(cases["case_id"].implode()))
    return replace(log, events=events, cases=cases)
