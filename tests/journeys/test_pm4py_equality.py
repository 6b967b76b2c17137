"""The process map, the variants and the case durations equal pm4py's on the real log."""

from __future__ import annotations

import pytest

from guichet.journeys.engine import case_durations, process_map, read_log, variants

pm4py = pytest.importorskip("pm4py")
pd = pytest.importorskip("pandas")

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def receipt(shared_data):
    path = shared_data / "eventlogs" / "receipt.csv"
    frame = pm4py.format_dataframe(
        pd.read_csv(path), case_id="case:concept:name", activity_key="concept:name",
        timestamp_key="time:timestamp",
    )  # fmt: skip
    return read_log(path), frame


def test_directly_follows_counts_and_mean_durations_equal_pm4py(receipt):
    # given the municipal receipt log read by us and by pm4py
    ours, theirs = receipt
    # when both compute the directly-follows graph
    edges = {(e["source"], e["target"]): e for e in process_map(ours).edges.to_dicts()}
    dfg, starts, ends = pm4py.discover_dfg(theirs)
    performance, _, _ = pm4py.discover_performance_dfg(theirs)
    # then the edges, counts, start and end activities are the same, means within 1 s
    assert {k: e["count"] for k, e in edges.items()} == dict(dfg)
    for key, figures in performance.items():
        assert edges[key]["mean_seconds"] == pytest.approx(figures["mean"], abs=1.0)
        assert edges[key]["median_seconds"] == pytest.approx(figures["median"], abs=1.0)
    found = process_map(ours)
    assert found.start_activities == dict(starts)
    assert found.end_activities == dict(ends)


def test_variants_and_their_counts_equal_pm4py(receipt):
    # given the municipal receipt log
    ours, theirs = receipt
    # when both list the variants
    mine = {tuple(row["activities"]): row["count"] for row in variants(ours).to_dicts()}
    expected = {
        tuple(k): (v if isinstance(v, int) else len(v))
        for k, v in pm4py.get_variants(theirs).items()
    }
    # then they are the same sequences with the same counts
    assert mine == expected


def test_case_durations_equal_pm4py(receipt):
    # given the municipal receipt log
    ours, theirs = receipt
    # when both compute every case's duration
    mine = sorted(case_durations(ours)["duration_seconds"].to_list())
    expected = sorted(pm4py.get_all_case_durations(theirs))
    # then they match within a second each
    assert len(mine) == len(expected) == 1434
    assert mine == pytest.approx(expected, abs=1.0)
