"""The engine's sort (integer ranks for the case ids) gives the order string case ids would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from guichet.journeys.engine import case_durations, case_figures, make_log, read_log, summary

from .factories import AS_OF, T0

# Ids the journal writes (plain integers) mixed with ones that must not take the integer path.
CASE_IDS = st.sampled_from(["9", "10", "100", "11", "0", "007", "+5", "a-1", "Z", "99", "1000"])
KINDS = st.sampled_from(
    ["request.received", "request.contact_recorded", "request.status_changed", "request.note_added"]
)
EVENT = st.tuples(CASE_IDS, st.integers(0, 20), KINDS, st.sampled_from([None, "web", "phone"]))


def _frame(rows: list[tuple[str, int, str, str | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "case_id": [case for case, *_ in rows],
            "event_id": list(range(len(rows))),
            "timestamp": [T0 + timedelta(days=day) for _, day, *_ in rows],
            "kind": [kind for *_, kind, _ in rows],
            "activity": [kind for *_, kind, _ in rows],
            "state": ["received" if kind == "request.received" else None for *_, kind, _ in rows],
            "channel": [channel for *_, channel in rows],
        },
        schema_overrides={"timestamp": pl.Datetime("us", "UTC")},
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(EVENT, min_size=1, max_size=40))
def test_events_are_in_string_case_order_then_time_then_arrival(rows):
    # given events in any order, with case ids that sort differently as numbers and as text
    frame = _frame(rows)
    # when they become an event log
    log = make_log(frame)
    # then the events are sorted as the case id strings, time and event id say
    expected = frame.sort(["case_id", "timestamp", "event_id"], maintain_order=True)
    assert log.events["event_id"].to_list() == expected["event_id"].to_list()
    assert log.events["case_id"].cast(pl.String).to_list() == expected["case_id"].to_list()
    # and the cases, their durations and figures list the case ids in the same order
    ids = sorted(set(frame["case_id"].to_list()))
    assert log.cases["case_id"].to_list() == ids
    assert case_durations(log)["case_id"].to_list() == ids
    assert case_figures(log, as_of=AS_OF)["case_id"].to_list() == ids


@settings(max_examples=60, deadline=None)
@given(st.lists(EVENT, min_size=1, max_size=40), st.randoms(use_true_random=False))
def test_the_order_of_rows_in_a_file_changes_no_figure(tmp_path_factory, rows, random):
    # given the same events written twice to Parquet, in time order and shuffled
    frame = _frame(rows).rename(
        {"case_id": "case:concept:name", "activity": "concept:name", "timestamp": "time:timestamp"}
    )
    frame = frame.with_columns(pl.col("kind").alias("guichet:kind")).drop("kind", "state")
    directory = tmp_path_factory.mktemp("order")
    in_time = frame.sort("time:timestamp", maintain_order=True)
    shuffled = in_time.sample(fraction=1.0, shuffle=True, seed=random.randint(0, 10_000))
    in_time.write_parquet(directory / "in_time.parquet")
    shuffled.write_parquet(directory / "shuffled.parquet")
    # when both are read
    first, second = (
        read_log(directory / "in_time.parquet"),
        read_log(directory / "shuffled.parquet"),
    )

    # then every case figure is the same (ties in time keep each file's own order)
    def figures(log):
        return summary(case_figures(log, as_of=AS_OF), is_guichet=log.is_guichet).to_dicts()

    assert figures(first) == figures(second)
    assert first.cases.drop("channel").equals(second.cases.drop("channel"))


def test_a_case_takes_its_attributes_from_its_first_event_in_the_file(tmp_path):
    # given a file where a case's attribute changes between its events (a bad export)
    at = datetime(2024, 3, 4, tzinfo=UTC)
    pl.DataFrame(
        {
            "case:concept:name": ["10", "9", "10"],
            "concept:name": ["a", "a", "b"],
            "time:timestamp": [at + timedelta(days=2), at, at + timedelta(days=1)],
            "case:service": ["voirie", "bruit", "encombrants"],
        }
    ).write_parquet(tmp_path / "log.parquet")
    # when it is read
    log = read_log(tmp_path / "log.parquet")
    # then each case keeps the value on its first row in the file, as before the fast reader
    assert log.cases.select("case_id", "service").rows() == [("10", "voirie"), ("9", "bruit")]
    assert log.events["activity"].cast(pl.String).to_list() == ["b", "a", "a"]
