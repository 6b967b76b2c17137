"""The process map's sliders: a share of the activities and of the paths, most frequent first."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from io import StringIO

import polars as pl
import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from guichet.journeys.engine import make_log, process_map, write_log
from guichet.journeys.engine.simplify import END, START, keep_count, simplify

from .factories import contact, log_of, received, resolved_path, status, step

T0 = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)
ACTIVITIES = "ABCDEFG"


def random_log(traces: list[list[str]]):
    rows = [
        {"case_id": str(case), "activity": a, "timestamp": T0 + timedelta(hours=i)}
        for case, trace in enumerate(traces)
        for i, a in enumerate(trace)
    ]
    frame = pl.DataFrame(
        rows,
        schema={"case_id": pl.String, "activity": pl.String, "timestamp": pl.Datetime("us", "UTC")},
    )
    return make_log(frame)


traces = st.lists(
    st.lists(st.sampled_from(ACTIVITIES), min_size=1, max_size=8), min_size=1, max_size=12
)
shares = st.floats(min_value=0, max_value=1)


def test_the_full_map_is_the_directly_follows_graph_with_the_cases_start_and_end():
    # given two requests, one with a call in the middle
    log = log_of(
        {"1": [received(0), *resolved_path()], "2": [received(0), contact(2), *resolved_path(3, 6)]}
    )
    # when nothing is simplified
    smap = simplify(log)
    # then every activity and path is kept, equal to the process map, plus the starts and ends
    full = process_map(log)
    assert smap.activities["kept"].all() and smap.edges["kept"].all()
    real = smap.edges.filter((pl.col("source") != START) & (pl.col("target") != END))
    assert sorted(real.select("source", "target", "count").rows()) == sorted(
        full.edges.select("source", "target", "count").rows()
    )
    assert dict(smap.edges.filter(pl.col("source") == START).select("target", "count").rows()) == (
        full.start_activities
    )


def test_an_activity_left_out_is_skipped_and_its_cases_go_to_the_next_one():
    # given a call between the receipt and the work, in one request of three
    log = log_of({
        "1": [received(0), *resolved_path()],
        "2": [received(0), *resolved_path()],
        "3": [received(0), contact(0.5), *resolved_path()],
    })  # fmt: skip
    # when the least frequent activity is left out (3 of 4 activities kept)
    smap = simplify(log, activities=0.75)
    # then the call is gone and the third request goes straight from receipt to work
    assert "request.contact_recorded" not in smap.kept_activities
    edge = smap.edges.filter(
        (pl.col("source") == "request.received")
        & (pl.col("target") == "request.status_changed:in_progress")
    )
    assert edge["count"].item() == 3


def test_system_activities_are_removed_before_the_share_and_counted():
    log = log_of({"1": [received(0), step(0.1, "notification.sent"), *resolved_path()]})
    smap = simplify(log, hidden=["notification.sent"])
    assert "notification.sent" not in smap.activities["activity"].to_list()
    assert smap.hidden == 1
    assert smap.edges.filter(pl.col("source") == "request.received")["target"].to_list() == [
        "request.status_changed:in_progress"
    ]


def test_with_no_path_share_every_activity_keeps_its_most_frequent_way_in_and_out():
    log = log_of({
        "1": [received(0), *resolved_path()],
        "2": [received(0), *resolved_path()],
        "3": [received(0), status(1, "received", "resolved")],
    })  # fmt: skip
    smap = simplify(log, paths=0)
    kept = set(smap.kept_edges.select("source", "target").rows())
    assert ("request.received", "request.status_changed:resolved") not in kept  # 1 of 3
    assert ("request.received", "request.status_changed:in_progress") in kept
    assert (START, "request.received") in kept


@settings(max_examples=150, deadline=None)
@given(traces=traces, activities=shares, paths=shares)
def test_the_shares_keep_the_most_frequent_and_leave_no_activity_unconnected(
    traces, activities, paths
):
    log = random_log(traces)
    smap = simplify(log, activities=activities, paths=paths)
    frame = smap.activities
    # the number kept follows the share, at least one
    assert len(smap.kept_activities) == keep_count(activities, frame.height) >= 1
    # every kept activity is at least as frequent as every one left out
    kept_counts = frame.filter("kept")["count"]
    dropped_counts = frame.filter(~pl.col("kept"))["count"]
    if dropped_counts.len():
        assert kept_counts.min() >= dropped_counts.max()
    # paths only join kept activities (or a case's start and end)
    nodes = {*smap.kept_activities, START, END}
    assert set(smap.edges["source"]) | set(smap.edges["target"]) <= nodes
    # at least the share of paths, the most frequent ones
    edges = smap.edges
    assert smap.kept_edges.height >= keep_count(paths, edges.height, at_least=0)
    top = edges.head(keep_count(paths, edges.height, at_least=0))
    assert top["kept"].all()
    # every kept activity has a way in and a way out on the map
    shown = smap.kept_edges
    for activity in smap.kept_activities:
        assert (shown["target"] == activity).any(), activity
        assert (shown["source"] == activity).any(), activity


@settings(max_examples=100, deadline=None)
@given(traces=traces, low=shares, high=shares)
def test_a_larger_activity_share_keeps_everything_a_smaller_one_kept(traces, low, high):
    low, high = sorted((low, high))
    log = random_log(traces)
    assert set(simplify(log, activities=low).kept_activities) <= set(
        simplify(log, activities=high).kept_activities
    )


@settings(max_examples=100, deadline=None)
@given(traces=traces)
def test_the_events_counted_are_the_events_of_the_log(traces):
    log = random_log(traces)
    smap = simplify(log, hidden=["A"])
    assert smap.activities["count"].sum() + smap.hidden == sum(len(t) for t in traces)
    assert smap.hidden == sum(t.count("A") for t in traces)


@pytest.mark.django_db
def test_the_command_simplifies_the_map_as_the_sliders_do(tmp_path):
    # given a log of three requests written as a CSV file
    log = log_of({
        "1": [received(0), *resolved_path()],
        "2": [received(0), *resolved_path()],
        "3": [received(0), contact(0.5), *resolved_path()],
    })  # fmt: skip
    path = write_log(log, tmp_path / "log.csv", "csv")
    out = StringIO()
    # when the map is asked for with three activities of four and no path share
    call_command(
        "journeys", "process-map", "--format", "json", "--log", str(path),
        "--activites", "75", "--chemins", "0", stdout=out,
    )  # fmt: skip
    found = json.loads(out.getvalue())
    # then the call is left out, and the requests begin and end as they do
    assert [a["activity"] for a in found["activities"]] == [
        "request.received", "request.status_changed:in_progress", "request.status_changed:resolved",
    ]  # fmt: skip
    edges = {(e["source"], e["target"]): e["count"] for e in found["edges"]}
    assert edges[("(début)", "request.received")] == 3
    assert edges[("request.received", "request.status_changed:in_progress")] == 3
    assert edges[("request.status_changed:resolved", "(fin)")] == 3
