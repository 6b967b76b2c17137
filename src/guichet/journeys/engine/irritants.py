"""Per-case figures: lead time, waiting split and every irritant (definitions: docs/journeys.md).

`case_figures()` returns one row per case; `aggregate.summary()` turns it into rates.

Speed (10 M events is the target, see benchmarks/journeys.py): the events are already sorted by
(case, time, arrival), so a case is a run of rows. Every per-case figure is a segmented reduction
over those runs (numpy on integer arrays) instead of a hash `group_by` or an `over()` window on
string keys; the categorical columns are compared through their category numbers, never their
strings. The heavier half of the figures runs in a second thread (numpy releases the GIL).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl

from guichet.journeys.engine.log import (
    CONTACT_RECORDED,
    FOLLOWED,
    HANDED_OFF,
    INBOUND_KINDS,
    PERSON_REPLIED,
    RECEIVED,
    REOPENABLE_STATES,
    SATISFACTION_ANSWERED,
    TERMINAL_STATES,
    TIMESTAMP,
    UNFOLLOWED,
    WAITING_USER,
    EventLog,
    has_case_ranks,
    make_log,
)

DAY = 86_400.0
# The per-case columns, in the order the figures have always had.
_PER_CASE = (
    "case_id", "started_at", "last_event_at", "events", "contacts", "followers", "hand_offs",
    "inbound_channels", "channels", "last_state", "last_state_at", "outcome", "asked_user",
    "reopens", "user_wait_seconds", "rework", "ping_pong", "contact_burst",
    "max_silence_seconds", "abandoned", "answered_satisfaction", "dissatisfied",
    "satisfaction_score",
)  # fmt: skip
_US = 1_000_000  # the timestamps' unit: microseconds


@dataclass(frozen=True)
class Thresholds:
    """The tunable parts of the definitions, in days."""

    silence_days: float = 10
    abandonment_days: float = 30
    at_risk_days: float = 2
    burst_contacts: int = 3  # "3 or more contacts ...
    burst_window_days: float = 14  # ... within 14 days"
    dissatisfied_score: int = 2  # a score of 1 or 2 out of 5


def _seconds(expr: pl.Expr) -> pl.Expr:
    return expr.dt.total_microseconds() / 1_000_000


def case_figures(
    log: EventLog, *, as_of: datetime | None = None, thresholds: Thresholds | None = None
) -> pl.DataFrame:
    """One row per case: segments, lead time, waiting split and the irritant columns.

    `as_of` (default: now) closes the open cases' clocks: an open case's silence, wait and
    deadline run until then.
    """
    t = thresholds or Thresholds()
    as_of = as_of or datetime.now(tz=UTC)
    as_of = as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)
    as_of_lit = pl.lit(as_of).cast(TIMESTAMP)
    rows = _Rows(log.events)
    per_case = _per_case(rows, t, _microseconds(as_of))
    figures = _attach(log.cases, per_case)
    is_guichet = rows.is_guichet
    ended = pl.col("last_state").is_in(TERMINAL_STATES) if is_guichet else pl.lit(True)
    figures = figures.with_columns(
        is_open=~ended.fill_null(False),
        ended_at=pl.when(ended).then(
            pl.col("last_state_at") if is_guichet else pl.col("last_event_at")
        ),
    ).with_columns(
        lead_time_seconds=_seconds(pl.col("ended_at").fill_null(as_of_lit) - pl.col("started_at")),
        user_wait_seconds=pl.col("user_wait_seconds").fill_null(0.0),
    )
    finish = pl.col("ended_at").fill_null(as_of_lit)
    figures = figures.with_columns(
        admin_wait_seconds=(pl.col("lead_time_seconds") - pl.col("user_wait_seconds")).clip(0),
        repeat_contact=pl.col("contacts") >= 2,
        contact_burst=pl.col("contact_burst").fill_null(False),
        first_contact_resolution=(
            pl.col("outcome").eq("resolved")
            & ~pl.col("is_open")
            & (pl.col("contacts") == 0)
            & ~pl.col("asked_user").fill_null(False)
            & (pl.col("reopens").fill_null(0) == 0)
            & (pl.col("hand_offs") == 0)
        ),
        long_silence=pl.col("max_silence_seconds") > t.silence_days * DAY,
        deadline_breached=pl.col("due_at").is_not_null() & (finish > pl.col("due_at")),
        at_risk=pl.col("is_open")
        & pl.col("due_at").is_not_null()
        & (pl.col("due_at") >= as_of_lit)
        & (_seconds(pl.col("due_at") - as_of_lit) <= t.at_risk_days * DAY),
        rework=pl.col("rework").fill_null(False),
        ping_pong=pl.col("ping_pong").fill_null(False),
        channel_switch=pl.col("inbound_channels") >= 2,
        reopened=pl.col("reopens").fill_null(0) > 0,
        abandoned=pl.col("abandoned").fill_null(False),
    )
    return figures if figures["case_id"].is_sorted() else figures.sort("case_id")


def _microseconds(moment: datetime) -> int:
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


class _Codes:
    """A categorical column as its integers per row, compared with names' integers.

    The events' categorical columns use Polars' global categories: a string has the same
    integer in every column and every frame, so a name is found by its integer without
    reading any row's string.
    """

    NULL = np.iinfo(np.uint32).max  # stands for null rows

    def __init__(self, values: pl.Series) -> None:
        if values.dtype != pl.Categorical:  # not the global categories: an EventLog by hand
            values = values.cast(pl.String).cast(pl.Categorical)
        physical = values.to_physical()
        if physical.null_count():
            physical = physical.fill_null(self.NULL)
        self.values = physical.to_numpy()

    def present(self) -> np.ndarray:
        return self.values != self.NULL

    def any_of(self, *names: str, rows: np.ndarray | None = None) -> np.ndarray:
        """Per row (of `rows` only, if given), whether the value is one of `names`."""
        values = self.values if rows is None else self.values[rows]
        wanted = pl.Series(names, dtype=pl.Categorical).to_physical().to_numpy()
        found = values == wanted[0]
        for value in wanted[1:]:
            found |= values == value
        return found

    def dense(self, picked: np.ndarray) -> np.ndarray:
        """Codes 0..k-1 for the (non-null) values of the `picked` rows, for `_distinct`."""
        values = self.values[picked]
        if not values.size:
            return values.astype(np.int64)
        present = np.flatnonzero(np.bincount(values))
        table = np.zeros(int(values.max()) + 1, dtype=np.int8 if present.size < 64 else np.int64)
        table[present] = np.arange(present.size)
        return table[values]


def _run_starts(group: np.ndarray) -> np.ndarray:
    """Where each run of equal values of `group` begins."""
    if not group.size:
        return np.zeros(0, dtype=np.int64)
    starts = np.empty(1, dtype=np.int64)
    starts[0] = 0
    return np.concatenate([starts, np.flatnonzero(group[1:] != group[:-1]) + 1])


class _Rows:
    """The events as integer arrays, one run of rows per case (the log's sort order)."""

    def __init__(self, events: pl.DataFrame) -> None:
        if not has_case_ranks(events):  # an EventLog built by hand, not by make_log
            events = make_log(events).events
        self.events = events
        self.n = events.height
        lengths = events["case_id"].to_physical().rle().struct.field("len").to_numpy()
        self.n_cases = lengths.size
        self.case = np.repeat(np.arange(self.n_cases, dtype=np.int32), lengths)
        self.bounds = np.zeros(self.n_cases + 1, dtype=np.int64)  # each case's first row, n
        np.cumsum(lengths, out=self.bounds[1:])
        self.starts = self.bounds[:-1]
        self.ends = self.bounds[1:] - 1
        self.ts = events["timestamp"].to_physical().to_numpy()
        kind = _Codes(events["kind"])
        self.is_contact = kind.any_of(CONTACT_RECORDED)
        self.is_reply = kind.any_of(PERSON_REPLIED)
        self.kind = kind
        self.hand_offs = self.count(kind.any_of(HANDED_OFF))
        self.is_guichet = bool(kind.any_of(RECEIVED).any())
        self.state = _Codes(events["state"])
        self.has_state = self.state.present()
        self.is_wait = self.state.any_of(WAITING_USER)
        # Only the flags read several times are kept (10 M events: 10 MB each).
        self.reopens = self.count(
            self.has_state
            & _Codes(events["source_state"]).any_of(*REOPENABLE_STATES)
            & ~self.state.any_of(*TERMINAL_STATES)
        )

    def blocks(self, size: int = 2_000_000) -> list[tuple[int, int]]:
        """Row ranges of about `size` rows made of whole cases: the heaviest figures are
        computed block by block, so their temporary arrays stay small (10 M events)."""
        cuts = np.unique(np.searchsorted(self.bounds, np.arange(0, self.n, size), side="left"))
        edges = [*(int(self.bounds[c]) for c in cuts if c < self.n_cases), self.n]
        return [(low, high) for low, high in zip(edges[:-1], edges[1:], strict=True) if high > low]

    def count(self, flags: np.ndarray) -> np.ndarray:
        """Per case, the number of rows flagged."""
        if not self.n:
            return np.zeros(0, dtype=np.int64)
        running = np.cumsum(flags, dtype=np.int32)
        return (running[self.ends] - running[self.starts] + flags[self.starts]).astype(np.int64)

    def last_index(self, flags: np.ndarray) -> np.ndarray:
        """Per case, the index of the last row flagged (-1: none)."""
        flagged = np.flatnonzero(flags)
        if not flagged.size:
            return np.full(self.n_cases, -1, dtype=np.int64)
        # The last flagged row before the next case's first row, if it is in this case.
        position = np.searchsorted(flagged, self.bounds[1:]) - 1
        last = flagged[np.maximum(position, 0)]
        return np.where((position >= 0) & (last >= self.starts), last, -1)


def _reduce(ufunc, values: np.ndarray, group: np.ndarray, n_groups: int, empty) -> np.ndarray:
    """`ufunc` over each run of equal (sorted) `group` values, spread over all groups."""
    out = np.full(n_groups, empty, dtype=values.dtype)
    if values.size:
        starts = _run_starts(group)
        out[group[starts]] = ufunc.reduceat(values, starts)
    return out


def _distinct(group: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group (sorted), the number of distinct codes."""
    if codes.size and codes.max() < 63:
        masks = _reduce(np.bitwise_or, np.left_shift(1, codes, dtype=np.int64), group, n_groups, 0)
        return pl.Series(masks).bitwise_count_ones().cast(pl.UInt32).to_numpy()
    frame = pl.DataFrame({"g": group, "c": codes}).group_by("g").agg(pl.col("c").n_unique())
    out = np.zeros(n_groups, dtype=np.uint32)
    out[frame["g"].to_numpy()] = frame["c"].to_numpy()
    return out


def _revisited(
    rows: _Rows, picked: np.ndarray, codes: np.ndarray, *, adjacent_rows: bool
) -> np.ndarray:
    """Per case, whether the values at `picked` rows (`codes`) come back to one they left.

    Consecutive repeats are collapsed: among the picked rows (`adjacent_rows=False`), or only
    when the two rows are next to each other in the whole log (`True`: an owner column, where a
    row without an owner in between breaks the run).
    """
    case = rows.case[picked]
    starts = np.ones(picked.size, dtype=bool)
    starts[1:] = (case[1:] != case[:-1]) | (codes[1:] != codes[:-1])
    if adjacent_rows:
        starts[1:] |= picked[1:] != picked[:-1] + 1
    runs = np.bincount(case[starts], minlength=rows.n_cases)
    return runs > _distinct(case[starts], codes[starts], rows.n_cases)


def _per_case(rows: _Rows, t: Thresholds, as_of: int) -> pl.DataFrame:
    ts, ends = rows.ts, rows.ends
    states = rows.count(rows.has_state)
    no_state = states == 0
    last_state = rows.last_index(rows.has_state)
    outcome = rows.last_index(rows.has_state & ~rows.state.any_of("closed"))
    terminal_end = (last_state >= 0) & rows.state.any_of(*TERMINAL_STATES, rows=last_state)
    end = np.where(terminal_end, ts[last_state], as_of) if rows.is_guichet else ts[ends]

    # Half of the work in a second thread: numpy releases the GIL in its loops, so both cores
    # work (Polars does the same inside each of its calls).
    with ThreadPoolExecutor(max_workers=1) as pool:
        elsewhere = pool.submit(_heavy_figures, rows, t, as_of, end)
        frame = _light_figures(rows, t, as_of, last_state, outcome, no_state)
        frame = frame.with_columns(**elsewhere.result())
    return _finish(rows, t, frame, last_state, outcome)


def _heavy_figures(rows: _Rows, t: Thresholds, as_of: int, end: np.ndarray) -> dict:
    return {
        "rework": _rework(rows),
        "max_silence_seconds": _silences(rows, end) / _US,
        "abandoned": _abandonment(rows, t, as_of),
    }


def _light_figures(rows, t, as_of, last_state, outcome, no_state) -> pl.DataFrame:
    events, n_cases, ends = rows.events, rows.n_cases, rows.ends
    channels = _Codes(events["channel"])
    picked = np.flatnonzero(channels.present())
    codes = channels.dense(picked)
    inbound = rows.kind.any_of(*INBOUND_KINDS, rows=picked)
    return pl.DataFrame(
        {
            "started_at": events["timestamp"].gather(rows.starts),
            "last_event_at": events["timestamp"].gather(ends),
            "events": (ends - rows.starts + 1).astype(np.uint32),
            "contacts": rows.count(rows.is_contact).astype(np.uint32),
            "followers": _followers(rows),  # who reported it too, by following (issue 16)
            "hand_offs": rows.hand_offs.astype(np.uint32),
            "inbound_channels": _distinct(rows.case[picked[inbound]], codes[inbound], n_cases),
            "channels": _distinct(rows.case[picked], codes, n_cases),
            "_last_state": last_state,
            "_outcome": outcome,
            "asked_user": rows.count(rows.is_wait) > 0,
            "reopens": rows.reopens.astype(np.uint32),
            "user_wait_seconds": _user_wait(rows, as_of) / _US,
            "ping_pong": _ping_pong(rows),
            "contact_burst": _contact_bursts(rows, t),
            "_no_state": no_state,
        }
    )


def _followers(rows: _Rows) -> np.ndarray:
    followed = rows.count(rows.kind.any_of(FOLLOWED)) - rows.count(rows.kind.any_of(UNFOLLOWED))
    return np.clip(followed, 0, None).astype(np.uint32)


def _finish(rows: _Rows, t: Thresholds, frame: pl.DataFrame, last_state, outcome):
    events = rows.events
    picked = pl.col("_last_state")
    state_rows = {
        "last_state": events["state"].gather(np.clip(last_state, 0, None)).cast(pl.String),
        "last_state_at": events["timestamp"].gather(np.clip(last_state, 0, None)),
        "outcome": events["state"].gather(np.clip(outcome, 0, None)).cast(pl.String),
    }
    frame = frame.with_columns(
        case_id=events["case_id"].gather(rows.starts).cast(pl.String),
        last_state=pl.when(picked >= 0).then(pl.lit(state_rows["last_state"])),
        last_state_at=pl.when(picked >= 0).then(pl.lit(state_rows["last_state_at"])),
        outcome=pl.when(pl.col("_outcome") >= 0).then(pl.lit(state_rows["outcome"])),
        # Cases without any state have no state figures (as a join would leave them).
        asked_user=pl.when(~pl.col("_no_state")).then("asked_user"),
        reopens=pl.when(~pl.col("_no_state")).then("reopens"),
        user_wait_seconds=pl.when(~pl.col("_no_state")).then("user_wait_seconds"),
        **_satisfaction(rows, t),
    )
    return frame.select(_PER_CASE)


def _attach(cases: pl.DataFrame, per_case: pl.DataFrame) -> pl.DataFrame:
    """The cases frame with the per-case figures; side by side when both list the same cases."""
    if cases.height == per_case.height and cases["case_id"].equals(per_case["case_id"]):
        return pl.concat([cases, per_case.drop("case_id")], how="horizontal")
    return cases.join(per_case, on="case_id", how="left")


def _user_wait(rows: _Rows, as_of: int) -> np.ndarray:
    """Per case, microseconds spent in waiting_user: until the next state, or as_of."""
    states = np.flatnonzero(rows.has_state)
    position = np.flatnonzero(rows.is_wait[states])  # the waits, among the state rows
    waits = states[position]
    following = states[np.minimum(position + 1, states.size - 1)]
    same = (position + 1 < states.size) & (rows.case[following] == rows.case[waits])
    until = np.where(same, rows.ts[following], as_of)
    case = rows.case[waits]
    return np.bincount(case, (until - rows.ts[waits]), minlength=rows.n_cases)


def _rework(rows: _Rows) -> np.ndarray:
    """A state entered twice, not counting the return from waiting for the user (that is the
    ordinary question and answer, measured as user waiting time)."""
    picked = np.flatnonzero(rows.has_state & ~rows.is_wait)
    return _revisited(rows, picked, rows.state.dense(picked), adjacent_rows=False)


def _ping_pong(rows: _Rows) -> np.ndarray:
    """The case goes back to an authority or a team that held it before."""
    found = np.zeros(rows.n_cases, dtype=bool)
    for column in ("authority", "team"):
        owners = _Codes(rows.events[column])
        picked = np.flatnonzero(owners.present())
        codes = owners.dense(picked)
        found |= _revisited(rows, picked, codes, adjacent_rows=True)
    return found


def _contact_bursts(rows: _Rows, t: Thresholds) -> np.ndarray:
    """Cases with `burst_contacts` inbound contacts within any `burst_window_days` window."""
    n = max(t.burst_contacts - 1, 0)
    picked = np.flatnonzero(rows.is_contact)
    case, ts = rows.case[picked], rows.ts[picked]
    if picked.size <= n:
        return np.zeros(rows.n_cases, dtype=bool)
    span = ts[n:] - ts[: ts.size - n]
    within = (case[n:] == case[: case.size - n]) & (span / _US <= t.burst_window_days * DAY)
    return np.bincount(case[n:][within], minlength=rows.n_cases) > 0


def _silences(rows: _Rows, end: np.ndarray) -> np.ndarray:
    """Per case, the longest time (µs) between two points of {events the user sees} ∪ {end},
    the end being the case's end (or as_of when open)."""
    visible = rows.events["visible"].fill_null(True).to_numpy()
    out = np.zeros(rows.n_cases, dtype=np.int64)
    for low, high in rows.blocks():
        picked = np.flatnonzero(visible[low:high]) + low
        if picked.size:
            _block_silences(rows, end, picked, out)
    return out


def _block_silences(rows: _Rows, end: np.ndarray, picked: np.ndarray, out: np.ndarray) -> None:
    case, ts = rows.case[picked], rows.ts[picked]
    del picked
    e = end[case]
    gaps = np.empty_like(ts)
    gaps[0] = 0
    np.subtract(ts[1:], ts[:-1], out=gaps[1:])
    # The end falls inside this gap: it splits it in two.
    split = np.flatnonzero((ts[:-1] < e[1:]) & (e[1:] < ts[1:])) + 1
    gaps[split] = np.maximum(e[split] - ts[split - 1], ts[split] - e[split])
    first = _run_starts(case)
    gaps[first] = np.maximum(ts[first] - e[first], 0)
    last = np.append(first[1:] - 1, ts.size - 1)
    gaps[last] = np.maximum(gaps[last], e[last] - ts[last])
    out[case[first]] = np.maximum.reduceat(gaps, first)


def _abandonment(rows: _Rows, t: Thresholds, as_of: int) -> np.ndarray:
    """A wait for the user that the user never answered: still waiting after N days, or the
    request cancelled or closed while waiting.

    An episode runs from entering waiting_user to the next entry into it (or the case's end);
    what it turned into is the state after the one that opened it.
    """
    found = np.zeros(rows.n_cases, dtype=bool)
    for low, high in rows.blocks():
        picked = np.flatnonzero(rows.has_state[low:high] | rows.is_reply[low:high]) + low
        if picked.size:
            found |= _block_abandonment(rows, t, as_of, picked)
    return found


def _block_abandonment(rows: _Rows, t: Thresholds, as_of: int, picked: np.ndarray) -> np.ndarray:
    case = rows.case[picked]
    waits = rows.is_wait[picked]
    opens = waits.copy()
    opens[0:1] = True
    opens[1:] |= case[1:] != case[:-1]
    episode = np.cumsum(opens, dtype=np.int32) - 1
    starts = np.flatnonzero(opens & waits)
    if not starts.size:
        return np.zeros(rows.n_cases, dtype=bool)
    answered = np.bincount(episode[rows.is_reply[picked]], minlength=episode[-1] + 1) > 0
    has_state = rows.has_state[picked]
    # Starts are states: their next state is rank + 1.
    state_rank = np.cumsum(has_state, dtype=np.int32) - 1
    state_positions = np.flatnonzero(has_state)
    following = state_rank[starts] + 1
    inside = following < state_positions.size
    then = np.where(inside, state_positions[np.minimum(following, state_positions.size - 1)], 0)
    inside &= episode[then] == episode[starts]
    ends_waiting = rows.state.any_of("cancelled", "closed", rows=picked[then]) & inside
    since = rows.ts[picked[starts]]
    stale = ~inside & ((as_of - since) / _US >= t.abandonment_days * DAY)
    abandoned = ~answered[episode[starts]] & (ends_waiting | stale)
    return np.bincount(case[starts][abandoned], minlength=rows.n_cases) > 0


def _satisfaction(rows: _Rows, t: Thresholds) -> dict[str, pl.Series]:
    """Per case: whether the person answered the survey, was dissatisfied, the mean score
    (all null without an answer: "not asked" is not "satisfied")."""
    is_answer = rows.kind.any_of(SATISFACTION_ANSWERED)
    answers = rows.events.select("satisfaction_resolved", "satisfaction_score").filter(
        pl.Series(is_answer)
    )
    case = rows.case[is_answer]
    unhappy = answers.select(
        (
            (pl.col("satisfaction_resolved") == False)  # noqa: E712 (null means "not asked")
            | (pl.col("satisfaction_score") <= t.dissatisfied_score)
        ).fill_null(False)
    ).to_series()
    score = answers["satisfaction_score"]
    frame = pl.DataFrame(
        {
            "answered": np.bincount(case, minlength=rows.n_cases) > 0,
            "unhappy": np.bincount(case[unhappy.to_numpy()], minlength=rows.n_cases) > 0,
            "scored": np.bincount(case[score.is_not_null().to_numpy()], minlength=rows.n_cases),
            "total": np.bincount(
                case, score.fill_null(0).cast(pl.Float64).to_numpy(), rows.n_cases
            ),
        }
    )
    frame = frame.select(
        answered_satisfaction=pl.when("answered").then(True),
        dissatisfied=pl.when("answered").then("unhappy"),
        satisfaction_score=pl.when(pl.col("scored") > 0).then(pl.col("total") / pl.col("scored")),
    )
    return {name: frame[name] for name in frame.columns}
