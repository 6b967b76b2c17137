"""Process discovery: the directly-follows graph, the variants and the case durations.

Computed the way pm4py does (events ordered by time within a case, ties kept in arrival
order) so the figures can be checked against it; durations are in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from guichet.journeys.engine.log import EventLog


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
    events = log.events.select("case_id", "activity", "timestamp")
    # The log is sorted by (case, time) (see log.make_log): a case boundary is where the next
    # row's case differs, which is much cheaper than windows over string case keys.
    next_same_case = pl.col("case_id") == pl.col("case_id").shift(-1)
    first_of_case = pl.col("case_id") != pl.col("case_id").shift(1)
    pairs = events.select(
        pl.col("activity").alias("source"),
        pl.when(next_same_case).then(pl.col("activity").shift(-1)).alias("target"),
        _seconds(pl.col("timestamp").shift(-1) - pl.col("timestamp")).alias("gap"),
    ).filter(pl.col("target").is_not_null())
    edges = (
        pairs.group_by("source", "target")
        .agg(
            pl.len().alias("count"),
            pl.col("gap").mean().alias("mean_seconds"),
            pl.col("gap").median().alias("median_seconds"),
            pl.col("gap").quantile(0.9, "linear").alias("p90_seconds"),
        )
        .with_columns(pl.col("count").cast(pl.Int64))
        .sort(["count", "source", "target"], descending=[True, False, False])
    )
    starts = events.filter(first_of_case.fill_null(True)).select(start="activity")
    ends = events.filter(next_same_case.not_().fill_null(True)).select(end="activity")
    return ProcessMap(
        edges=edges, start_activities=_counts(starts, "start"), end_activities=_counts(ends, "end")
    )


def _counts(frame: pl.DataFrame, column: str) -> dict[str, int]:
    counted = frame.group_by(column).len().sort(["len", column], descending=[True, False])
    return dict(zip(counted[column].to_list(), counted["len"].to_list(), strict=True))


def case_durations(log: EventLog) -> pl.DataFrame:
    """One row per case: first and last event, and the seconds between them."""
    return (
        log.events.group_by("case_id")
        .agg(
            pl.col("timestamp").min().alias("start"),
            pl.col("timestamp").max().alias("end"),
            pl.len().alias("events"),
        )
        .with_columns(duration_seconds=_seconds(pl.col("end") - pl.col("start")))
        .sort("case_id")
    )


def variants(log: EventLog) -> pl.DataFrame:
    """The distinct activity sequences: count, share of cases, mean/median/p90 duration."""
    per_case = log.events.group_by("case_id", maintain_order=True).agg(
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
        .with_columns(share=pl.col("count") / total)
        .with_columns(_key=pl.col("activities").list.join("\u241f"))
        .sort(["count", "_key"], descending=[True, False])
        .drop("_key")
    )
