"""Table tests of due dates with pauses, deadline states and overdue factors."""

import math
from datetime import UTC, date, datetime, timedelta

import pytest

from guichet.core.calendar import (
    PARIS,
    DeadlineState,
    add_working_days,
    deadline_state,
    due_date,
    overdue_factor,
)


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def end_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, 999999, tzinfo=PARIS)


MONDAY = paris(2026, 1, 12, 10, 0)  # a plain week: no holiday from 12 to 30 January 2026


@pytest.mark.parametrize(
    ("pauses", "due_day"),
    [
        ([], date(2026, 1, 19)),
        # asked and answered the same day: costs nothing
        ([(paris(2026, 1, 13, 9, 0), paris(2026, 1, 13, 17, 0))], date(2026, 1, 19)),
        # asked on Monday, answered on Wednesday: Tuesday and Wednesday are given back
        ([(paris(2026, 1, 12, 11, 0), paris(2026, 1, 14, 9, 0))], date(2026, 1, 21)),
        # a weekend inside a pause gives nothing back
        ([(paris(2026, 1, 16, 11, 0), paris(2026, 1, 18, 20, 0))], date(2026, 1, 19)),
        ([(paris(2026, 1, 16, 11, 0), paris(2026, 1, 19, 8, 0))], date(2026, 1, 20)),
        # two separate pauses add up
        (
            [
                (paris(2026, 1, 12, 11, 0), paris(2026, 1, 13, 9, 0)),
                (paris(2026, 1, 15, 11, 0), paris(2026, 1, 16, 9, 0)),
            ],
            date(2026, 1, 21),
        ),
        # overlapping pauses count their common days once (13 to 16 January: 3 days)
        (
            [
                (paris(2026, 1, 13, 11, 0), paris(2026, 1, 15, 9, 0)),
                (paris(2026, 1, 14, 11, 0), paris(2026, 1, 16, 9, 0)),
            ],
            date(2026, 1, 22),
        ),
        # the part of a pause before receipt is ignored
        ([(paris(2026, 1, 5, 11, 0), paris(2026, 1, 13, 9, 0))], date(2026, 1, 20)),
        ([(paris(2026, 1, 5, 11, 0), paris(2026, 1, 9, 9, 0))], date(2026, 1, 19)),
        # a pause started after the due date cannot make the request on time again
        ([(paris(2026, 1, 20, 9, 0), paris(2026, 1, 27, 9, 0))], date(2026, 1, 19)),
        # a pause started on the due day itself still counts
        ([(paris(2026, 1, 19, 16, 0), paris(2026, 1, 21, 9, 0))], date(2026, 1, 21)),
        # a first pause pushes the due date far enough for a second one to count
        (
            [
                (paris(2026, 1, 19, 16, 0), paris(2026, 1, 21, 9, 0)),
                (paris(2026, 1, 21, 12, 0), paris(2026, 1, 22, 9, 0)),
            ],
            date(2026, 1, 22),
        ),
    ],
)
def test_closed_pauses_give_back_the_working_days_they_covered(pauses, due_day):
    # given a request received on Monday, promised in 5 working days, and its pauses
    # when we compute its due date
    due = due_date(MONDAY, 5, pauses)
    # then the days the user held the file are added back
    assert due == end_of(due_day)


def test_a_pause_over_a_moselle_holiday_gives_back_only_working_days():
    # given a Moselle request received before Easter 2026, paused from Thursday to Tuesday
    received = paris(2026, 3, 30, 10, 0)
    pauses = [(paris(2026, 4, 2, 10, 0), paris(2026, 4, 7, 10, 0))]
    # when we compute its due date in Moselle and in Paris
    in_moselle = due_date(received, 5, pauses, departement="57")
    in_paris = due_date(received, 5, pauses, departement="75")
    # then Moselle gives back Tuesday only (Good Friday and Easter Monday are off),
    # Paris gives back Friday and Tuesday
    assert in_moselle == end_of(date(2026, 4, 9))
    assert in_paris == end_of(date(2026, 4, 9))
    assert add_working_days(received, 5, departement="57") == end_of(date(2026, 4, 8))
    assert add_working_days(received, 5, departement="75") == end_of(date(2026, 4, 7))


def test_an_open_pause_stops_the_clock():
    # given a request waiting for the user since Tuesday
    pauses = [
        (paris(2026, 1, 12, 11, 0), paris(2026, 1, 12, 12, 0)),
        (paris(2026, 1, 13, 9, 0), None),
    ]
    # when we compute its due date
    due = due_date(MONDAY, 5, pauses)
    # then there is none while the clock is stopped
    assert due is None


def test_a_pause_ending_before_it_starts_is_rejected():
    # given a pause whose end precedes its start
    pauses = [(paris(2026, 1, 14, 9, 0), paris(2026, 1, 13, 9, 0))]
    # when we compute the due date
    # then the calendar refuses it
    with pytest.raises(ValueError, match="pause"):
        due_date(MONDAY, 5, pauses)


@pytest.mark.parametrize(
    "pauses",
    [
        [(datetime(2026, 1, 13, 9, 0), paris(2026, 1, 14, 9, 0))],
        [(paris(2026, 1, 13, 9, 0), datetime(2026, 1, 14, 9, 0))],
        [(datetime(2026, 1, 13, 9, 0), None)],
    ],
)
def test_naive_pauses_are_rejected(pauses):
    # given a pause with a naive datetime
    # when we compute the due date
    # then the calendar refuses to guess its zone
    with pytest.raises(ValueError, match="aware"):
        due_date(MONDAY, 5, pauses)


def test_naive_receipt_is_rejected_by_due_date():
    # given a naive moment of receipt
    # when we compute the due date
    # then the calendar refuses it
    with pytest.raises(ValueError, match="aware"):
        due_date(datetime(2026, 1, 12, 10, 0), 5, [])


DUE = end_of(date(2026, 1, 19))  # received MONDAY, 5 working days


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (paris(2026, 1, 12, 12, 0), DeadlineState.ON_TIME),
        (paris(2026, 1, 18, 11, 0), DeadlineState.ON_TIME),  # 145 h of 182: 0.797
        (paris(2026, 1, 18, 12, 0), DeadlineState.AT_RISK),  # 146 h of 182: 0.802
        (DUE, DeadlineState.AT_RISK),  # due at this very instant: not yet late
        (DUE + timedelta(microseconds=1), DeadlineState.OVERDUE),
        (paris(2026, 3, 1, 0, 0), DeadlineState.OVERDUE),
    ],
)
def test_deadline_state_by_elapsed_ratio(now, expected):
    # given a request received on Monday and due the next Monday evening
    # when we ask its state at some moment, at risk from 80 % of the time elapsed
    state = deadline_state(DUE, now, received_at=MONDAY, at_risk_ratio=0.8)
    # then it is on time, at risk or overdue
    assert state == expected
    assert state == expected.value  # usable as a plain string in templates and queries


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (paris(2026, 1, 14, 23, 0), DeadlineState.ON_TIME),  # Thu, Fri, Mon left
        (paris(2026, 1, 15, 8, 0), DeadlineState.AT_RISK),  # Fri, Mon left
        (paris(2026, 1, 17, 8, 0), DeadlineState.AT_RISK),  # Saturday: Mon left
        (paris(2026, 1, 19, 23, 0), DeadlineState.AT_RISK),  # the due day
        (datetime(2026, 1, 19, 23, 0, tzinfo=UTC), DeadlineState.OVERDUE),  # 00:00 Paris
    ],
)
def test_deadline_state_by_working_days_left(now, expected):
    # given a request due on Monday evening, at risk when 2 working days or less are left
    # when we ask its state
    state = deadline_state(DUE, now, at_risk_working_days=2)
    # then the weekend does not count as days left
    assert state == expected


def test_deadline_state_by_ratio_needs_the_moment_of_receipt():
    # given no moment of receipt
    # when we ask the state by elapsed ratio
    # then the calendar says what it misses
    with pytest.raises(ValueError, match="received_at"):
        deadline_state(DUE, MONDAY)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (MONDAY - timedelta(days=1), 0.0),
        (MONDAY, 0.0),
        (MONDAY + (DUE - MONDAY) / 2, 0.5),
        (DUE, 1.0),
        (MONDAY + 3 * (DUE - MONDAY), 3.0),
    ],
)
def test_overdue_factor_is_elapsed_over_promised_time(now, expected):
    # given a request received on Monday and due the next Monday evening
    # when we measure how many promised durations have elapsed
    factor = overdue_factor(MONDAY, DUE, now)
    # then it is the ratio of real time elapsed to real time promised
    assert factor == pytest.approx(expected)


def test_overdue_factor_measures_real_time_across_dst():
    # given a request received the Friday before summer time, due in one day (Monday evening)
    received = paris(2026, 3, 27, 23, 59, 59, 999999)
    due = add_working_days(received, 1)
    # when we measure 142 real hours after receipt
    now = received.astimezone(UTC) + timedelta(hours=142)
    # then two promised durations have elapsed: the promise is 71 real hours, not the 72
    # that the wall clock shows from Friday midnight to Monday midnight
    assert overdue_factor(received, due, now) == pytest.approx(2.0, rel=1e-9)


def test_overdue_factor_of_a_promise_without_duration():
    # given a request due the very instant it arrived
    received = end_of(date(2026, 1, 12))
    # when we measure after that instant
    factor = overdue_factor(received, received, received + timedelta(seconds=1))
    # then it is infinitely overdue, not a division error
    assert math.isinf(factor)
