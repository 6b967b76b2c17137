"""A readable process map: keep the most frequent activities and paths, as Disco does.

Two shares, between 0 and 1, the way process-mining tools offer them as sliders:

- `activities`: the share of the distinct activities kept, most frequent first (by number of
  events; ties by name). The log is projected on the kept ones: an activity left out is
  removed from every case, so the cases that went through it now go straight from the
  activity before it to the one after (A → B → C with B left out draws A → C). Hidden
  activities (the platform's own: notifications…) are removed the same way first, and do not
  count in the share.
- `paths`: the share of the paths of that projected map kept, most frequent first; the start
  ("the case begins with A") and end ("… ends with C") of cases are paths too. Whatever the
  share, every kept activity keeps its most frequent way in and way out, so nothing floats
  unconnected.

At 1 and 1 with nothing hidden the map is `process_map(log)`, start and end included.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, replace

import polars as pl

from guichet.journeys.engine.discovery import process_map
from guichet.journeys.engine.log import EventLog

# The two ends of every case, as pseudo-activities (names no log can hold: control characters).
START = "\x02start"
END = "\x03end"


@dataclass(frozen=True)
class SimplifiedMap:
    """`activities`: activity, count (events), cases, kept — most frequent first.

    `edges`: source, target, count, mean/median/p90 seconds, kept — most frequent first,
    the start and end of cases as edges from START and to END (their durations null).
    `hidden_activities`: activity, count, cases of the hidden ones, left out.
    """

    activities: pl.DataFrame
    edges: pl.DataFrame
    hidden_activities: pl.DataFrame

    @property
    def hidden(self) -> int:
        """How many events of hidden activities were left out."""
        return int(self.hidden_activities["count"].sum())

    @property
    def kept_activities(self) -> list[str]:
        return self.activities.filter("kept")["activity"].to_list()

    @property
    def kept_edges(self) -> pl.DataFrame:
        return self.edges.filter("kept")


def keep_count(share: float, total: int, *, at_least: int = 1) -> int:
    """How many of `total` items a share keeps (rounded up), and at least `at_least`."""
    share = min(max(share, 0.0), 1.0)
    return min(total, max(at_least, math.ceil(share * total - 1e-9)))


def simplify(
    log: EventLog,
    *,
    activities: float = 1.0,
    paths: float = 1.0,
    hidden: Collection[str] = (),
) -> SimplifiedMap:
    """The process map of `log` reduced to a share of its activities and of its paths."""
    events = log.events
    every = (
        events.select(pl.col("activity").cast(pl.String), pl.col("case_id").to_physical())
        .group_by("activity")
        .agg(pl.len().cast(pl.Int64).alias("count"), pl.col("case_id").n_unique().alias("cases"))
        .with_columns(pl.col("cases").cast(pl.Int64))
        .sort(["count", "activity"], descending=[True, False])
    )
    is_hidden = pl.col("activity").is_in(list(hidden))
    hidden_activities, frequencies = every.filter(is_hidden), every.filter(~is_hidden)
    if hidden_activities.height:
        events = events.filter(~pl.col("activity").cast(pl.String).is_in(list(hidden)))
    kept_n = keep_count(activities, frequencies.height)
    frequencies = frequencies.with_columns(kept=pl.int_range(pl.len()) < kept_n)
    kept = frequencies.filter("kept")["activity"].to_list()
    if kept_n < frequencies.height:
        events = events.filter(pl.col("activity").cast(pl.String).is_in(kept))
    edges = _edges_with_ends(replace(log, events=events))
    return SimplifiedMap(
        activities=frequencies,
        edges=_keep_paths(edges, kept, paths),
        hidden_activities=hidden_activities,
    )


def _edges_with_ends(log: EventLog) -> pl.DataFrame:
    found = process_map(log)
    ends = [
        *((START, a, n) for a, n in found.start_activities.items()),
        *((a, END, n) for a, n in found.end_activities.items()),
    ]
    pseudo = pl.DataFrame(
        ends, schema={"source": pl.String, "target": pl.String, "count": pl.Int64}, orient="row"
    )
    return (
        pl.concat([found.edges, pseudo], how="diagonal_relaxed")
        .sort(["count", "source", "target"], descending=[True, False, False])
        .with_row_index("_rank")
    )


def _keep_paths(edges: pl.DataFrame, activities: list[str], share: float) -> pl.DataFrame:
    """Mark the kept paths: the most frequent share, then a way in and out of every activity."""
    kept = set(range(keep_count(share, edges.height, at_least=0)))
    sources, targets = edges["source"].to_list(), edges["target"].to_list()
    needs_in, needs_out = set(activities), set(activities)
    for rank in sorted(kept):
        needs_in.discard(targets[rank])
        needs_out.discard(sources[rank])
    # Edges are sorted most frequent first: the first one found is the most frequent way.
    for rank, (source, target) in enumerate(zip(sources, targets, strict=True)):
        if target in needs_in and source != target:
            kept.add(rank)
            needs_in.discard(target)
        if source in needs_out and source != target:
            kept.add(rank)
            needs_out.discard(source)
    return edges.with_columns(kept=pl.col("_rank").is_in(sorted(kept))).drop("_rank")
