"""Per-case figures: lead time, waiting split and every irritant (definitions: docs/journeys.md).

`case_figures()` returns one row per case; `aggregate.summary()` turns it into rates. Everything
is a Polars expression over the whole log at once: no Python loop per case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl

from guichet.journeys.engine.log import (
    CONTACT_RECORDED,
    HANDED_OFF,
    INBOUND_KINDS,
    PERSON_REPLIED,
    REOPENABLE_STATES,
    SATISFACTION_ANSWERED,
    TERMINAL_STATES,
    TIMESTAMP,
    WAITING_USER,
    EventLog,
)

DAY = 86_400.0


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
    as_of_lit = pl.lit(as_of or datetime.now(tz=UTC)).cast(TIMESTAMP)
    ev = log.events.with_columns(
        _next_ts=pl.col("timestamp").shift(-1).over("case_id"),
    )
    states = ev.filter(pl.col("state").is_not_null()).select(
        "case_id",
        "timestamp",
        "state",
        "source_state",
        _state_end=pl.col("timestamp").shift(-1).over("case_id"),
    )
    base = ev.group_by("case_id").agg(
        pl.col("timestamp").min().alias("started_at"),
        pl.col("timestamp").max().alias("last_event_at"),
        pl.len().alias("events"),
        (pl.col("kind") == CONTACT_RECORDED).sum().alias("contacts"),
        (pl.col("kind") == HANDED_OFF).sum().alias("hand_offs"),
        pl.col("channel")
        .filter(pl.col("kind").is_in(INBOUND_KINDS) & pl.col("channel").is_not_null())
        .n_unique()
        .alias("inbound_channels"),
        pl.col("channel").filter(pl.col("channel").is_not_null()).n_unique().alias("channels"),
    )
    per_state = states.group_by("case_id").agg(
        pl.col("state").last().alias("last_state"),
        pl.col("timestamp").last().alias("last_state_at"),
        pl.col("state").filter(pl.col("state") != "closed").last().alias("outcome"),
        (pl.col("state") == WAITING_USER).any().alias("asked_user"),
        (pl.col("source_state").is_in(REOPENABLE_STATES) & ~pl.col("state").is_in(TERMINAL_STATES))
        .sum()
        .alias("reopens"),
        _seconds(
            (pl.col("_state_end").fill_null(as_of_lit) - pl.col("timestamp")).filter(
                pl.col("state") == WAITING_USER
            )
        )
        .sum()
        .alias("user_wait_seconds"),
    )
    figures = (
        log.cases.join(base, on="case_id", how="left")
        .join(per_state, on="case_id", how="left")
        .join(_revisit_flags(log), on="case_id", how="left")
        .join(_contact_bursts(log, t), on="case_id", how="left")
        .join(_silences(log, states, as_of_lit), on="case_id", how="left")
        .join(_abandonment(log, t, as_of_lit), on="case_id", how="left")
        .join(_satisfaction(log, t), on="case_id", how="left")
    )
    is_guichet = log.is_guichet
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
    return figures.sort("case_id")


def _revisits(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """Cases whose `column` comes back to a value it left (consecutive repeats collapsed)."""
    collapsed = frame.filter(
        pl.col(column).is_not_null()
        & (pl.col(column) != pl.col(column).shift(1).over("case_id")).fill_null(True)
    )
    return collapsed.group_by("case_id").agg(
        (pl.len() > pl.col(column).n_unique()).alias("revisited")
    )


def _revisit_flags(log: EventLog) -> pl.DataFrame:
    # Rework: a state entered twice, not counting the return from waiting for the user (that
    # is the ordinary question-and-answer, measured as user waiting time).
    states = log.events.filter(pl.col("state") != WAITING_USER).select("case_id", "state")
    rework = _revisits(states, "state").rename({"revisited": "rework"})
    owners = [
        _revisits(log.events.select("case_id", column), column) for column in ("authority", "team")
    ]
    ping_pong = (
        pl.concat(owners).group_by("case_id").agg(pl.col("revisited").any().alias("ping_pong"))
    )
    return rework.join(ping_pong, on="case_id", how="full", coalesce=True)


def _contact_bursts(log: EventLog, t: Thresholds) -> pl.DataFrame:
    """Cases with `burst_contacts` inbound contacts within any `burst_window_days` window."""
    n = t.burst_contacts - 1
    contacts = log.events.filter(pl.col("kind") == CONTACT_RECORDED).select(
        "case_id",
        _span=_seconds(pl.col("timestamp") - pl.col("timestamp").shift(n).over("case_id")),
    )
    return contacts.group_by("case_id").agg(
        (pl.col("_span") <= t.burst_window_days * DAY).any().alias("contact_burst")
    )


def _silences(log: EventLog, states: pl.DataFrame, as_of: pl.Expr) -> pl.DataFrame:
    """The longest time without a user-visible event, up to the end of the case (or as_of)."""
    terminal = states.group_by("case_id").agg(
        pl.when(pl.col("state").last().is_in(TERMINAL_STATES))
        .then(pl.col("timestamp").last())
        .alias("_end")
    )
    last = log.events.group_by("case_id").agg(pl.col("timestamp").max().alias("_last"))
    ends = last.join(terminal, on="case_id", how="left").select(
        "case_id",
        pl.when(pl.lit(log.is_guichet))
        .then(pl.col("_end").fill_null(as_of))
        .otherwise(pl.col("_last"))
        .alias("timestamp"),
    )
    visible = log.events.filter(pl.col("visible").fill_null(True)).select("case_id", "timestamp")
    points = pl.concat([visible, ends]).sort(["case_id", "timestamp"])
    return points.group_by("case_id").agg(
        _seconds(pl.col("timestamp").diff()).max().fill_null(0.0).alias("max_silence_seconds")
    )


def _abandonment(log: EventLog, t: Thresholds, as_of: pl.Expr) -> pl.DataFrame:
    """A wait for the user that the user never answered: still waiting after N days, or the
    request cancelled while waiting."""
    ev = log.events.filter(pl.col("state").is_not_null() | (pl.col("kind") == PERSON_REPLIED))
    ev = ev.with_columns(
        _episode=(pl.col("state") == WAITING_USER).fill_null(False).cum_sum().over("case_id")
    )
    episodes = (
        ev.filter(pl.col("_episode") > 0)
        .group_by("case_id", "_episode")
        .agg(
            pl.col("timestamp").first().alias("_since"),
            (pl.col("kind") == PERSON_REPLIED).any().alias("_answered"),
            pl.col("state").drop_nulls().slice(1, 1).first().alias("_then"),
        )
        .with_columns(
            abandoned=~pl.col("_answered")
            & (
                pl.col("_then").is_in(("cancelled", "closed"))
                | (
                    pl.col("_then").is_null()
                    & (_seconds(as_of - pl.col("_since")) >= t.abandonment_days * DAY)
                )
            )
        )
    )
    return episodes.group_by("case_id").agg(pl.col("abandoned").any())


def _satisfaction(log: EventLog, t: Thresholds) -> pl.DataFrame:
    answers = log.events.filter(pl.col("kind") == SATISFACTION_ANSWERED)
    return answers.group_by("case_id").agg(
        pl.lit(True).alias("answered_satisfaction"),
        (
            (pl.col("satisfaction_resolved") == False)  # noqa: E712 (null means "not asked")
            | (pl.col("satisfaction_score") <= t.dissatisfied_score)
        )
        .fill_null(False)
        .any()
        .alias("dissatisfied"),
        pl.col("satisfaction_score").mean().alias("satisfaction_score"),
    )
