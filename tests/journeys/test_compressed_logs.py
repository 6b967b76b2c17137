"""Compressed logs (`.xes.gz`, `.csv.gz`, `.parquet.gz`) are read like the plain files."""

from __future__ import annotations

import gzip
import json
from io import StringIO

import pytest
from django.core.management import call_command

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
            ],
        },  # fmt: skip
        **{"1": {"service": "encombrants", "commune": "92071"}, "2": {"service": "voirie"}},
    )


def gzipped(path):
    target = path.with_name(path.name + ".gz")
    target.write_bytes(gzip.compress(path.read_bytes()))
    return target


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xes"])
def test_a_gzipped_log_reads_like_the_plain_one(journal_like, tmp_path, fmt):
    # given a log written to a file, and the same file gzipped
    plain = write_log(journal_like, tmp_path / f"log.{fmt}", fmt)
    compressed = gzipped(plain)
    # when both are read
    expected, again = read_log(plain), read_log(compressed)
    # then the figures are the same
    assert again.events.equals(expected.events)
    assert process_map(again).edges.equals(process_map(expected).edges)
    assert variants(again).equals(variants(expected))
    before = summary(case_figures(expected, as_of=AS_OF), is_guichet=expected.is_guichet)
    after = summary(case_figures(again, as_of=AS_OF), is_guichet=again.is_guichet)
    assert after.to_dicts() == before.to_dicts()


@pytest.mark.django_db
def test_the_journeys_command_reads_a_gzipped_xes_log(journal_like, tmp_path):
    # given a public log published as .xes.gz
    plain = write_log(journal_like, tmp_path / "bpic.xes", "xes")
    compressed = gzipped(plain)

    def run(path):
        out = StringIO()
        call_command("journeys", "process-map", "--format", "json", "--log", str(path), stdout=out)
        return json.loads(out.getvalue())

    # when the map command reads it, then it answers as for the plain file
    assert run(compressed) == run(plain)


def test_a_file_that_is_not_gzip_is_named(tmp_path):
    # given a "compressed" CSV that is plain text
    path = tmp_path / "faux.csv.gz"
    path.write_text("case:concept:name,concept:name,time:timestamp\n", encoding="utf-8")
    # when it is read, then the error says the archive is unreadable
    with pytest.raises(LogFileError, match=r"faux.csv.gz : archive gzip illisible"):
        read_log(path)


def test_an_unknown_compressed_format_is_refused_with_the_accepted_ones(tmp_path):
    path = tmp_path / "log.json.gz"
    path.write_bytes(gzip.compress(b"{}"))
    with pytest.raises(LogFileError, match=r"format inconnu « .json » .*compressés en .gz"):
        read_log(path)
