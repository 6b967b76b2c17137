"""The event log every figure is computed from: one events frame, one cases frame (Polars).

Guichet's journal and external logs (CSV, Parquet, XES) are both read into this shape, so the
process map, the variants and the irritants never know where a log came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import NamedTuple

import numpy as np
import polars as pl

TIMESTAMP = pl.Datetime("us", "UTC")

# The categorical columns rely on Polars 2's global categories (one number per string across
# every frame, see irritants._Codes); Polars 1 numbered each column on its own.
if int(pl.__version__.split(".")[0]) < 2:
    raise ImportError(f"guichet.journeys needs polars >= 2 (found {pl.__version__}).")

# The events frame. `state` is the workflow state an event moves the case into (Guichet) or
# the activity itself (external logs); `visible` tells whether the user saw the event. String
# columns are categorical (Polars' global categories): 4 bytes a row instead of a 16-byte string
# view, so that 10 M events fit well under 2 GB; they compare with strings like strings. The
# global categories keep every distinct value seen by the process: activities, states,
# channels, authorities, teams, agents.
# `case_id` is read as a string; make_log turns it into an Enum (see sort_order).
EVENT_SCHEMA: dict[str, pl.DataType] = {
    "event_id": pl.Int64(),
    "case_id": pl.String(),
    "activity": pl.Categorical(),
    "timestamp": TIMESTAMP,
    "resource": pl.Categorical(),
    "channel": pl.Categorical(),
    "kind": pl.Categorical(),
    "state": pl.Categorical(),
    "source_state": pl.Categorical(),
    "visible": pl.Boolean(),
    "person_id": pl.String(),  # as many values as persons: not worth the categories' upkeep
    "authority": pl.Categorical(),  # the authority holding the case after a receipt or hand-off
    "team": pl.Categorical(),  # the team holding the case after a receipt or assignment
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
# Someone else reporting the same thing follows the request (issue 16): one more report.
FOLLOWED = "cases.request-followed"
UNFOLLOWED = "cases.request-unfollowed"
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
    events = conform(events, EVENT_SCHEMA, keep_extra=False)
    if events.height and events["event_id"].null_count() == events.height:
        events = events.with_columns(event_id=pl.int_range(pl.len(), dtype=pl.Int64))
    order = sort_order(events["case_id"], events["timestamp"], events["event_id"])
    if order.rows is not None:
        events = events.drop("case_id")[order.rows]
    events = events.with_columns(case_id=order.case_id).select(list(EVENT_SCHEMA))
    return sorted_log(events, cases, origin=origin)


def sorted_log(
    events: pl.DataFrame, cases: pl.DataFrame | None = None, *, origin: str = "journal"
) -> EventLog:
    """make_log for events already conformed and sorted, their case ids given by sort_order."""
    starts = case_starts(events["case_id"])
    derived = pl.DataFrame(
        {
            "case_id": events["case_id"].gather(starts).cast(pl.String),
            "_first": events["timestamp"].gather(starts),
            "_channel": _first_present(events["channel"], starts).cast(pl.String),
        }
    )
    cases = conform(cases if cases is not None else pl.DataFrame(), CASE_SCHEMA, keep_extra=True)
    if cases["case_id"].equals(derived["case_id"]):  # the same cases in the same order
        cases = pl.concat([derived, cases.drop("case_id")], how="horizontal")
    else:
        cases = derived.join(
            cases, on="case_id", how="left", maintain_order="left", nulls_equal=True
        )
    cases = cases.with_columns(
        received_at=pl.coalesce("received_at", "_first"),
        channel=pl.coalesce("channel", "_channel"),
    ).drop("_first", "_channel")
    extra = tuple(c for c in cases.columns if c not in CASE_SCHEMA)
    return EventLog(events=events, cases=cases, origin=origin, extra_case_columns=extra)


class Order(NamedTuple):
    """How to sort events by (case, time, event id); see sort_order."""

    rows: pl.Series | None  # the permutation, None if already sorted
    case_id: pl.Series  # the sorted events' case ids (Enum)
    distinct: pl.Series  # the distinct case ids in string order (the Enum's categories)


def sort_order(case_id: pl.Series, timestamp: pl.Series, event_id: pl.Series) -> Order:
    """How to sort events by (case, time, event id).

    The sorted case ids are an Enum of the log's distinct ids in string order, so that a case's
    physical value is its rank: the sort, the case boundaries and every per-case figure work
    on integers, 4 bytes a row, instead of strings (10 M events, 1.5 M cases).
    """
    ranks, distinct = case_ranks(case_id)
    enum = distinct.cast(pl.Enum(distinct))
    if ranks.is_sorted() and ranks.null_count() == 0 and _in_time_order(timestamp, event_id, ranks):
        return Order(None, enum.gather(ranks).alias("case_id"), distinct)
    if _in_time_order(timestamp, event_id):
        # Events in time order (the journal, most files): a stable sort on the case is enough.
        rows = ranks.to_frame("k").select(pl.arg_sort_by("k", maintain_order=True)).to_series()
    else:
        keys = pl.DataFrame({"k": ranks, "t": timestamp.to_physical(), "e": event_id})
        rows = keys.select(pl.arg_sort_by("k", "t", "e", maintain_order=True)).to_series()
    return Order(rows, enum.gather(ranks.gather(rows)).alias("case_id"), distinct)


def _in_time_order(timestamp: pl.Series, event_id: pl.Series, within: pl.Series | None = None):
    """Whether rows are sorted by (time, event id), within each run of `within` if given."""
    t = timestamp.to_physical().to_numpy()
    e = event_id.to_numpy()
    later, tied = t[1:] > t[:-1], t[1:] == t[:-1]
    ordered = later | (tied & (e[1:] >= e[:-1]))
    if within is not None:
        k = within.to_numpy()
        ordered |= k[1:] != k[:-1]
    return bool(ordered.all())


def case_ranks(case_id: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Each row's case id as its rank (UInt32) among the distinct ids in string order (nulls
    have none), and those distinct ids."""
    found = _integer_ranks(case_id)
    if found is not None:
        return found
    distinct = case_id.drop_nulls().unique().sort()
    ranks = pl.DataFrame(
        {"case_id": distinct, "_rank": pl.int_range(distinct.len(), dtype=pl.UInt32, eager=True)}
    )
    joined = case_id.to_frame("case_id").join(
        ranks, on="case_id", how="left", maintain_order="left"
    )
    return joined.get_column("_rank"), distinct


def _integer_ranks(case_id: pl.Series) -> tuple[pl.Series, pl.Series] | None:
    """case_ranks for ids written as integers (the journal's): without hashing any string.

    Only for canonical decimals (no sign, no leading zero), whose string order is then found
    on the distinct values alone; None otherwise.
    """
    n = case_id.len()
    if not n or case_id.null_count():
        return None
    numbers = case_id.str.to_integer(strict=False)
    if numbers.null_count() or numbers.min() < 0:  # type: ignore[operator]
        return None
    low, high = int(numbers.min()), int(numbers.max())  # type: ignore[arg-type]
    if high - low > 4 * n + 1024:  # too sparse for a look-up table
        return None
    if (
        case_id.str.starts_with("+")
        | (case_id.str.starts_with("0") & (case_id.str.len_bytes() > 1))
    ).any():
        return None
    values = numbers.to_numpy() - low
    present = np.zeros(high - low + 1, dtype=bool)
    present[values] = True
    distinct_numbers = np.flatnonzero(present)
    text = pl.Series(distinct_numbers + low).cast(pl.String)
    lexical = text.arg_sort().to_numpy()
    table = np.empty(high - low + 1, dtype=np.uint32)
    table[distinct_numbers[lexical]] = np.arange(lexical.size, dtype=np.uint32)
    return pl.Series(table[values]), text.gather(lexical)


def case_starts(case_id: pl.Series) -> pl.Series:
    """In events sorted by case, the row where each case's run begins."""
    if case_id.is_empty():
        return pl.Series(dtype=pl.UInt32)
    runs = case_id.to_physical().rle().struct.field("len")
    return runs.cum_sum().shift(1, fill_value=0).cast(pl.UInt32)


def _first_present(values: pl.Series, starts: pl.Series) -> pl.Series:
    """Per run of rows (beginning at `starts`), the first non-null value."""
    present = values.is_not_null().arg_true()
    if present.is_empty():
        return pl.Series(values.name, [None] * starts.len(), dtype=values.dtype)
    # The first present row at or after each start, kept only if still inside that run.
    found = present.search_sorted(starts, side="left")
    ends = pl.concat([starts.slice(1), pl.Series([values.len()], dtype=pl.UInt32)])
    row = present.gather(found.clip(0, present.len() - 1))
    inside = (found < present.len()) & (row < ends)
    return pl.select(pl.when(inside).then(values.gather(row))).to_series().alias(values.name)


def conform(
    frame: pl.DataFrame, schema: dict[str, pl.DataType | None], *, keep_extra: bool
) -> pl.DataFrame:
    """`frame` with exactly the columns of `schema` (missing ones null), cast to their types;
    a None type keeps the column as it is."""
    missing = [pl.lit(None, dtype=t).alias(n) for n, t in schema.items() if n not in frame.columns]
    frame = frame.with_columns(missing) if missing else frame
    typed = frame.with_columns(_cast(frame, n, t) for n, t in schema.items() if t is not None)
    extra = [c for c in frame.columns if c not in schema] if keep_extra else []
    return typed.select([*schema, *extra])


def _cast(frame: pl.DataFrame, name: str, target: pl.DataType) -> pl.Expr:
    column = pl.col(name)
    if target == pl.Categorical and frame[name].dtype not in (pl.String, pl.Categorical, pl.Null):
        column = column.cast(pl.String)  # numbers, booleans: through their text
    return column.cast(target)


def has_case_ranks(events: pl.DataFrame) -> bool:
    """Whether `case_id` is sort_order's Enum (the events then are in make_log's order).

    Checked by selecting on the type: reading an Enum's type from Python copies its
    categories, 0.1 s for a million cases.
    """
    return "case_id" in events.select(pl.col(pl.Enum)).columns


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
