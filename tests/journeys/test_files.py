"""Exports read back (by us and by pm4py), imports, and bad log files."""

from __future__ import annotations

import json

import polars as pl
import pytest

from guichet.journeys.engine import (
    LogFileError,
    case_figures,
    process_map,
    read_log,
    summary,
    variants,
    write_log,
)

from .factories import AS_OF, contact, handed_off, log_of, received, replied, resolved_path, status

pm4py = pytest.importorskip("pm4py")


@pytest.fixture
def journal_like():
    return log_of(
        {
            "1": [received(), contact(2), contact(5, "counter"), *resolved_path(6, 9)],
            "2": [
                received(channel="phone"),
                status(1, "received", "in_progress"),
                status(2, "in_progress", "waiting_user"),
                replied(4),
                handed_off(5, "2"),
                handed_off(6, "1"),
            ],
        },  # fmt: skip
        **{"1": {"service": "encombrants", "commune": "92071"}, "2": {"service": "voirie"}},
    )


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xes"])
def test_an_export_read_back_gives_the_same_map_variants_and_irritants(journal_like, tmp_path, fmt):
    # given a Guichet log exported to a file
    path = write_log(journal_like, tmp_path / f"log.{fmt}", fmt)
    # when it is imported again
    again = read_log(path)
    # then every figure is the same
    assert process_map(again).edges.equals(process_map(journal_like).edges)
    assert variants(again).equals(variants(journal_like))
    before = summary(case_figures(journal_like, as_of=AS_OF), is_guichet=True)
    after = summary(case_figures(again, as_of=AS_OF), is_guichet=again.is_guichet)
    assert after.to_dicts() == before.to_dicts()
    assert again.cases.sort("case_id")["service"].to_list() == ["encombrants", "voirie"]


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xes"])
def test_pm4py_reads_our_exports(journal_like, tmp_path, fmt):
    # given a log exported by us
    path = write_log(journal_like, tmp_path / f"log.{fmt}", fmt)
    # when pm4py reads it
    if fmt == "xes":
        frame = pm4py.read_xes(str(path))
    else:
        import pandas as pd

        raw = pd.read_csv(path) if fmt == "csv" else pd.read_parquet(path)
        frame = pm4py.format_dataframe(
            raw, case_id="case:concept:name", activity_key="concept:name",
            timestamp_key="time:timestamp",
        )  # fmt: skip
    # then it finds the same directly-follows graph
    dfg, _, _ = pm4py.discover_dfg(frame)
    ours = process_map(journal_like).edges
    assert dict(dfg) == dict(
        zip(zip(ours["source"], ours["target"], strict=True), ours["count"], strict=True)
    )


def test_pm4py_reads_our_ocel_export(journal_like, tmp_path):
    # given a log exported as OCEL 2.0 JSON
    path = write_log(journal_like, tmp_path / "log.json", "ocel")
    # when pm4py reads it
    ocel = pm4py.read_ocel2_json(str(path))
    # then it has every event, the two requests and the person-free objects
    assert len(ocel.events) == journal_like.event_count
    requests = ocel.objects[ocel.objects["ocel:type"] == "request"]
    assert sorted(requests["ocel:oid"]) == ["request:1", "request:2"]
    assert json.loads(path.read_text())["objectTypes"][0]["name"] == "request"


def test_an_external_log_with_standard_columns_is_analysed(tmp_path):
    # given an old system's CSV with the standard names and a case attribute
    path = tmp_path / "ancien.csv"
    path.write_text(
        "case:concept:name,concept:name,time:timestamp,org:resource,case:service\n"
        "A,Dépôt,2024-01-02 09:00:00+01:00,Jean,voirie\n"
        "A,Traitement,2024-01-03T10:00:00+01:00,Anne,voirie\n"
        "B,Dépôt,2024-01-02 09:30:00,Jean,eau\n",
        encoding="utf-8",
    )
    # when it is read
    log = read_log(path)
    # then the map and the segments come from it; Guichet-only irritants are unavailable
    edges = process_map(log).edges.to_dicts()
    assert edges[0]["source"] == "Dépôt" and edges[0]["mean_seconds"] == 25 * 3600
    assert log.cases["service"].to_list() == ["voirie", "eau"]
    rates = summary(case_figures(log, as_of=AS_OF), is_guichet=log.is_guichet)
    assert rates["repeat_contact_rate"][0] is None and rates["rework_rate"][0] == 0.0


def test_a_missing_column_is_named(tmp_path):
    # given a CSV without the timestamp column
    path = tmp_path / "sans-date.csv"
    path.write_text("case:concept:name,concept:name\nA,Dépôt\n", encoding="utf-8")
    # when it is read, then the error names the column and the header line
    with pytest.raises(
        LogFileError, match=r"colonne obligatoire absente : « time:timestamp » \(ligne d'en-tête\)"
    ):
        read_log(path)


def test_a_bad_timestamp_is_named_with_its_line_and_column(tmp_path):
    # given a CSV whose third event (line 4) has an unreadable date
    path = tmp_path / "date.csv"
    path.write_text(
        "case:concept:name,concept:name,time:timestamp\n"
        "A,Dépôt,2024-01-02 09:00:00\nA,Suite,2024-01-03 09:00:00\nB,Dépôt,le 3 janvier\n",
        encoding="utf-8",
    )
    # when it is read, then the error says where
    with pytest.raises(LogFileError) as error:
        read_log(path)
    assert str(error.value) == (
        "date.csv, ligne 4, colonne « time:timestamp » : horodatage illisible « le 3 janvier » "
        "(attendu : ISO 8601, par exemple 2024-03-05T14:30:00+01:00)."
    )


def test_a_bad_timestamp_in_xes_names_its_line(tmp_path):
    # given an XES file with an unreadable date on line 4
    path = tmp_path / "journal.xes"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<log>\n<trace><string key="concept:name" value="A"/>\n'
        '<event><string key="concept:name" value="Dépôt"/><date key="time:timestamp" value="hier"/></event>\n'
        "</trace>\n</log>\n",
        encoding="utf-8",
    )
    # when it is read, then the error names the line
    with pytest.raises(LogFileError, match=r"journal.xes, ligne 4, colonne « time:timestamp »"):
        read_log(path)


def test_a_parquet_log_missing_the_case_column_is_refused(tmp_path):
    # given a Parquet file without the case column
    path = tmp_path / "log.parquet"
    pl.DataFrame({"concept:name": ["a"], "time:timestamp": ["2024-01-01"]}).write_parquet(path)
    # when it is read, then the case column is named
    with pytest.raises(LogFileError, match="case:concept:name"):
        read_log(path)
