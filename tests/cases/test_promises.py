"""A service's promise and what recent requests show: counted alike, said apart (no database)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from guichet.cases.promises import (
    DelayEstimate,
    Promise,
    _observed_quantile,
    working_days,
    working_days_taken,
)

PARIS = ZoneInfo("Europe/Paris")


def paris(month, day, hour=10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=PARIS)


def estimate(median, p90, *, sample=20, within=None) -> DelayEstimate:
    return DelayEstimate(median_days=median, p90_days=p90, sample=sample, within_promise=within)


def test_working_days_take_the_french_plural():
    assert working_days(0) == "0 jour ouvré"
    assert working_days(1) == "1 jour ouvré"
    assert working_days(16) == "16 jours ouvrés"


def test_the_commitment_and_the_recent_facts_are_two_separate_sentences():
    # given a service promising 10 working days whose recent requests took 16 and 32
    promise = Promise(promised_days=10, estimate=estimate(16, 32, within=6))
    # then the commitment reads as one, and the facts as facts
    assert promise.commitment == "Notre engagement : réponse sous 10 jours ouvrés."
    assert promise.reality == (
        "Ces derniers mois, la moitié des demandes ont reçu une réponse en 16 jours ouvrés ou "
        "moins ; 9 sur 10 en 32 jours ouvrés ou moins."
    )


@pytest.mark.parametrize(
    ("median", "p90", "expected"),
    [
        (1, 1, "en 1 jour ouvré ou moins, et 9 sur 10 aussi."),
        (0, 0, "le jour même, et 9 sur 10 aussi."),
        (0, 1, "le jour même ; 9 sur 10 en 1 jour ouvré ou moins."),
        (1, 2, "en 1 jour ouvré ou moins ; 9 sur 10 en 2 jours ouvrés ou moins."),
    ],
)
def test_the_facts_read_right_in_the_singular_and_on_the_same_day(median, p90, expected):
    promise = Promise(promised_days=None, estimate=estimate(median, p90))
    assert promise.reality.endswith(expected)
    assert promise.commitment == ""


def test_nothing_is_said_without_a_promise_or_enough_history():
    promise = Promise(promised_days=None, estimate=None)
    assert (promise.commitment, promise.reality, promise.warning) == ("", "", "")
    assert promise.kept is None


def test_a_service_missing_its_promise_is_flagged_for_its_managers():
    # given 6 of the last 20 requests answered within the promised 10 working days
    missed = Promise(promised_days=10, estimate=estimate(16, 32, within=6))
    # then the managers read that the promise is not kept, and by how much
    assert missed.kept is False
    assert missed.warning == (
        "Ce service ne tient pas son engagement : 10 jours ouvrés promis, mais seulement "
        "6 demandes récentes sur 20 ont reçu leur réponse dans ce délai."
    )
    # and a service keeping it (17 of 20, above 80 %) is not flagged
    kept = Promise(promised_days=10, estimate=estimate(4, 9, within=17))
    assert kept.kept is True and kept.warning == ""


def test_one_request_within_the_promise_is_said_in_the_singular():
    missed = Promise(promised_days=1, estimate=estimate(5, 9, sample=5, within=1))
    assert "1 jour ouvré promis, mais seulement 1 demande récente sur 5 a reçu sa réponse" in (
        missed.warning
    )


def test_the_days_waiting_for_the_person_do_not_count():
    # given a request received on Monday 2 November and answered on Friday 20 November, which
    # waited for the person from Tuesday 10 to Friday 13 (Wednesday 11 is a holiday)
    received, resolved = paris(11, 2), paris(11, 20)
    waited = [[paris(11, 10).isoformat(), paris(11, 13).isoformat()]]
    # then it took the working days between, less the two working days it waited
    assert working_days_taken(received, resolved, []) == 13
    assert working_days_taken(received, resolved, waited) == 11


def test_overlapping_waits_count_once_and_a_wait_before_receipt_counts_from_it():
    received, resolved = paris(11, 2), paris(11, 20)
    overlapping = [
        [paris(11, 9).isoformat(), paris(11, 12).isoformat()],
        [paris(11, 10).isoformat(), paris(11, 13).isoformat()],
        [paris(10, 26).isoformat(), paris(11, 3).isoformat()],
    ]
    # 9→13 covers 10, 12, 13 (11 is a holiday); 2→3 covers the 3rd
    assert working_days_taken(received, resolved, overlapping) == 13 - 3 - 1


@pytest.mark.parametrize(
    ("durations", "median", "p90"),
    [
        (list(range(1, 11)), 5, 9),  # ten requests: the 5th and the 9th
        ([4] * 5, 4, 4),
        ([1, 2, 3, 4, 30], 3, 30),  # five: the 3rd, and 90 % needs all five
        (list(range(1, 21)), 10, 18),
    ],
)
def test_the_quantiles_are_observed_durations_that_make_the_sentences_true(durations, median, p90):
    assert _observed_quantile(durations, tenths=5) == median
    assert _observed_quantile(durations, tenths=9) == p90
    # at least half took no longer than the median, at least nine in ten no longer than p90
    assert sum(d <= median for d in durations) * 2 >= len(durations)
    assert sum(d <= p90 for d in durations) * 10 >= 9 * len(durations)
