"""Process discovery: the directly-follows graph, the variants and the case durations.

Computed the way pm4py does (events ordered by time within a case, ties kept in arrival
order) so the figures can be checked against it; durations are in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from guichet.journeys.engine.log import EventLog, case_starts, has_case_ranks, make_log


@dataclass(frozen=True)
class ProcessMap:
    """`edges`: source, target, count, mean/median/p90 seconds; start and end activity counts."""

    edges: pl.DataFrame
    start_activities: dict[str, int]
    end_activities: dict[str, int]

    def as_dict(self) -> dict:
        return {
            "edges": self.edges.to_dicts(),
            "start_activities": self.start_activities,
            "end_activities": self.end_activities,
        }


def _seconds(expr: pl.Expr) -> pl.Expr:
    return expr.dt.total_microseconds() / 1_000_000


def process_map(log: EventLog) -> ProcessMap:
    """The directly-follows graph of `log`, with the time between the two activities."""
    events = _sorted(log.events)
    n = max(events.height - 1, 0)
    case, activity, timestamp = (events[c] for c in ("case_id", "activity", "timestamp"))
    # The log is sorted by (case, time) (see log.make_log): each row and the next one form a
    # pair when their cases (integer ranks) are the same; no window over string case keys.
    same = case.to_physical().slice(0, n) == case.to_physical().slice(1, n)
    rows = np.flatnonzero(same.to_numpy())
    moments = timestamp.to_physical().to_numpy()
    pairs = pl.DataFrame(
        {
            "source": activity.slice(0, n).filter(same),
            "target": activity.slice(1, n).filter(same),
            # As _seconds() computes it: microseconds, then one division.
            "gap": (moments[rows + 1] - moments[rows]) / 1_000_000,
        }
    )
    del rows
    edges = (
        pairs.group_by("source", "target")
        .agg(
            pl.len().alias("count"),
            pl.col("gap").mean().alias("mean_seconds"),
            pl.col("gap").median().alias("median_seconds"),
            pl.col("gap").quantile(0.9, "linear").alias("p90_seconds"),
        )
        .with_columns(pl.col("count").cast(pl.Int64), pl.col("source", "target").cast(pl.String))
        .sort(["count", "source", "target"], descending=[True, False, False])
    )
    del pairs
    starts = case_starts(case)
    ends = _case_ends(starts, events.height)
    return ProcessMap(
        edges=edges,
        start_activities=_counts(activity.gather(starts).to_frame("start"), "start"),
        end_activities=_counts(activity.gather(ends).to_frame("end"), "end"),
    )


def _counts(frame: pl.DataFrame, column: str) -> dict[str, int]:
    counted = (
        frame.with_columns(pl.col(column).cast(pl.String))
        .group_by(column)
        .len()
        .sort(["len", column], descending=[True, False])
    )
    return dict(zip(counted[column].to_list(), counted["len"].to_list(), strict=True))


def _case_ends(starts: pl.Series, height: int) -> pl.Series:
    """Each case's last row, from each case's first row (see log.case_starts)."""
    if not height:
        return starts
    return pl.concat([starts.slice(1), pl.Series([height], dtype=pl.UInt32)]) - 1


def _sorted(events: pl.DataFrame) -> pl.DataFrame:
    """The events as make_log leaves them (see log.sort_order); a hand-built frame is sorted."""
    return events if has_case_ranks(events) else make_log(events).events


def case_durations(log: EventLog) -> pl.DataFrame:
    """One row per case: first and last event, and the seconds between them."""
    events = _sorted(log.events)
    starts = case_starts(events["case_id"])
    ends = _case_ends(starts, events.height)
    return pl.DataFrame(
        {
            "case_id": events["case_id"].gather(starts).cast(pl.String),
            "start": events["timestamp"].gather(starts),
            "end": events["timestamp"].gather(ends),
            "events": (ends - starts + 1).cast(pl.UInt32),
        }
    ).with_columns(duration_seconds=_seconds(pl.col("end") - pl.col("start")))


def variants(log: EventLog) -> pl.DataFrame:
    """The distinct activity sequences: count, share of cases, mean/median/p90 duration."""
    per_case = log.events.group_by(pl.col("case_id").to_physical(), maintain_order=True).agg(
        pl.col("activity").alias("activities"),
        _seconds(pl.col("timestamp").max() - pl.col("timestamp").min()).alias("duration"),
    )
    total = max(per_case.height, 1)
    return (
        per_case.group_by("activities")
        .agg(
            pl.len().cast(pl.Int64).alias("count"),
            pl.col("duration").mean().alias("mean_seconds"),
            pl.col("duration").median().alias("median_seconds"),
            pl.col("duration").quantile(0.9, "linear").alias("p90_seconds"),
        )
        .with_columns(pl.col("activities").cast(pl.List(pl.String)), share=pl.col("count") / total)
        .with_columns(_key=pl.col("activities").list.join("\u241f"))
        .sort(["count", "_key"], descending=[True, False])
        .drop("_key")
    )
