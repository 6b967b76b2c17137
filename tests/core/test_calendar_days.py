"""Table tests of the working-day calendar around real French holidays and DST changes."""

from datetime import UTC, date, datetime, timedelta

import pytest

from guichet.core.calendar import (
    PARIS,
    add_working_days,
    is_working_day,
    public_holidays,
    working_days_between,
)

ALSACE_MOSELLE = ["57", "67", "68"]


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def end_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, 999999, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("day", "departement", "expected"),
    [
        (date(2026, 5, 1), None, False),  # Labour Day, a Friday
        (date(2026, 7, 14), None, False),  # Bastille Day, a Tuesday
        (date(2026, 5, 14), None, False),  # Ascension Thursday 2026
        (date(2026, 5, 25), None, False),  # Whit Monday 2026
        (date(2026, 12, 25), None, False),  # Christmas, a Friday
        (date(2026, 5, 13), None, True),  # the Wednesday before Ascension
        (date(2026, 5, 26), None, True),  # the Tuesday after Whit Monday
        (date(2026, 5, 9), None, False),  # a Saturday
        (date(2026, 5, 10), None, False),  # a Sunday
        (date(2026, 4, 3), None, True),  # Good Friday: worked in most of France
        (date(2026, 4, 3), "75", True),
        (date(2026, 4, 3), "57", False),  # ... but not in Moselle
        (date(2026, 4, 3), "67", False),  # ... Bas-Rhin
        (date(2026, 4, 3), "68", False),  # ... Haut-Rhin
        (date(2025, 12, 26), None, True),  # 26 December 2025, a Friday
        (date(2025, 12, 26), "13", True),
        (date(2025, 12, 26), "57", False),
        (date(2025, 12, 26), "67", False),
        (date(2025, 12, 26), "68", False),
        (date(2025, 4, 18), "68", False),  # Good Friday 2025
        (date(2026, 5, 22), "972", False),  # abolition of slavery in Martinique
        (date(2026, 5, 22), None, True),
        (date(2026, 5, 22), "2A", True),
    ],
)
def test_working_days_follow_french_public_holidays(day, departement, expected):
    # given a calendar day and the département of the authority
    # when we ask whether it is a working day
    # then weekends and the (local) public holidays are not
    assert is_working_day(day, departement=departement) is expected


@pytest.mark.parametrize("departement", ALSACE_MOSELLE)
def test_alsace_moselle_has_two_more_holidays_than_the_rest_of_france(departement):
    # given the national and the Alsace-Moselle holidays of 2025
    national = public_holidays(2025)
    # when we compare them with the holidays of a département of Alsace-Moselle
    local = public_holidays(2025, departement=departement)
    # then the only difference is Good Friday and 26 December
    assert local - national == {date(2025, 4, 18), date(2025, 12, 26)}


@pytest.mark.parametrize(
    ("received", "days", "departement", "due_day"),
    [
        (paris(2026, 1, 9, 19, 0), 1, None, date(2026, 1, 12)),  # Friday evening -> Monday
        (paris(2026, 5, 22, 19, 0), 1, None, date(2026, 5, 26)),  # Whit Monday -> Tuesday
        (paris(2026, 5, 13, 9, 0), 1, None, date(2026, 5, 15)),  # over Ascension
        (paris(2026, 4, 30, 9, 0), 1, None, date(2026, 5, 4)),  # 1 May is a Friday
        (paris(2026, 7, 13, 9, 0), 1, None, date(2026, 7, 15)),  # over 14 July
        (paris(2026, 12, 24, 9, 0), 1, None, date(2026, 12, 28)),  # over Christmas
        (paris(2026, 4, 2, 9, 0), 1, None, date(2026, 4, 3)),  # Good Friday worked
        (paris(2026, 4, 2, 9, 0), 1, "57", date(2026, 4, 7)),  # Good Friday + Easter Monday
        (paris(2025, 12, 24, 9, 0), 1, None, date(2025, 12, 26)),
        (paris(2025, 12, 24, 9, 0), 1, "67", date(2025, 12, 29)),  # 25 and 26 December off
        (paris(2026, 1, 5, 0, 0), 5, None, date(2026, 1, 12)),  # the day itself never counts
        (paris(2026, 1, 5, 23, 59), 10, None, date(2026, 1, 19)),
        (paris(2026, 1, 10, 12, 0), 1, None, date(2026, 1, 12)),  # Saturday -> Monday
        (paris(2026, 1, 10, 12, 0), 0, None, date(2026, 1, 10)),  # no delay: same day
        (paris(2026, 5, 1, 8, 0), 20, None, date(2026, 6, 3)),  # May 2026 and its holidays
    ],
)
def test_add_working_days_counts_from_the_next_working_day(received, days, departement, due_day):
    # given a request received at a moment, promised in some working days
    # when we compute its due moment
    due = add_working_days(received, days, departement=departement)
    # then it is the end of the expected day, in Paris time
    assert due == end_of(due_day)
    assert due.tzinfo is PARIS


@pytest.mark.parametrize(
    ("received", "due_day", "offset_hours"),
    [
        (paris(2026, 3, 27, 18, 0), date(2026, 3, 30), 2),  # summer time starts 29 March
        (paris(2026, 10, 23, 18, 0), date(2026, 10, 26), 1),  # winter time starts 25 October
        (paris(2026, 3, 28, 12, 0), date(2026, 3, 30), 2),  # received on the Saturday itself
        (paris(2026, 10, 25, 2, 30), date(2026, 10, 26), 1),  # inside the repeated hour
    ],
)
def test_due_moment_crosses_dst_changes_in_local_time(received, due_day, offset_hours):
    # given a request received just before a daylight-saving change
    # when it is promised in one working day
    due = add_working_days(received, 1)
    # then it is due at the end of the Monday, with Monday's UTC offset
    assert due == end_of(due_day)
    assert due.utcoffset() == timedelta(hours=offset_hours)


@pytest.mark.parametrize(
    ("received_utc", "due_day"),
    [
        (datetime(2026, 3, 26, 22, 30, tzinfo=UTC), date(2026, 3, 27)),  # Thursday 23:30 Paris
        (datetime(2026, 3, 26, 23, 30, tzinfo=UTC), date(2026, 3, 30)),  # Friday 00:30 Paris
        (datetime(2026, 7, 13, 21, 30, tzinfo=UTC), date(2026, 7, 15)),  # Monday 23:30 Paris
        (datetime(2026, 7, 13, 22, 30, tzinfo=UTC), date(2026, 7, 15)),  # 14 July 00:30 Paris
        (datetime(2026, 7, 14, 22, 30, tzinfo=UTC), date(2026, 7, 16)),  # Wednesday 00:30
    ],
)
def test_the_day_of_receipt_is_the_day_in_paris(received_utc, due_day):
    # given a request stamped in UTC near midnight
    # when it is promised in one working day
    due = add_working_days(received_utc, 1)
    # then its day of receipt is read on the Paris clock
    assert due == end_of(due_day)


@pytest.mark.parametrize(
    ("start", "end", "departement", "expected"),
    [
        (paris(2026, 1, 9, 19, 0), paris(2026, 1, 12, 8, 0), None, 1),
        (paris(2026, 1, 12, 8, 0), paris(2026, 1, 12, 20, 0), None, 0),  # same day
        (paris(2026, 1, 12, 8, 0), paris(2026, 1, 9, 19, 0), None, -1),  # backwards
        (paris(2026, 5, 1, 0, 0), paris(2026, 5, 31, 0, 0), None, 17),  # May 2026
        (paris(2026, 3, 31, 12, 0), paris(2026, 4, 30, 12, 0), None, 21),  # April 2026
        (paris(2026, 3, 31, 12, 0), paris(2026, 4, 30, 12, 0), "68", 20),  # minus Good Friday
        (paris(2025, 12, 31, 12, 0), paris(2026, 12, 31, 12, 0), None, 252),  # the year 2026
        (paris(2024, 12, 31, 12, 0), paris(2025, 12, 31, 12, 0), "57", 249),  # 2025 in Moselle
    ],
)
def test_working_days_between_counts_the_days_after_the_start(start, end, departement, expected):
    # given two moments
    # when we count the working days between them
    # then the start day is excluded and the end day included
    assert working_days_between(start, end, departement=departement) == expected


@pytest.mark.parametrize(
    "call",
    [
        lambda: add_working_days(datetime(2026, 1, 9, 19, 0), 1),
        lambda: working_days_between(datetime(2026, 1, 9), paris(2026, 1, 12)),
        lambda: working_days_between(paris(2026, 1, 9), datetime(2026, 1, 12)),
        lambda: is_working_day(datetime(2026, 1, 9, 12, 0)),
    ],
)
def test_naive_datetimes_are_rejected(call):
    # given a datetime without time zone
    # when it is handed to the calendar
    # then it refuses to guess the zone
    with pytest.raises(ValueError, match="aware"):
        call()


def test_a_negative_promise_is_rejected():
    # given a negative number of days
    # when we add it
    # then the calendar refuses
    with pytest.raises(ValueError, match="days"):
        add_working_days(paris(2026, 1, 9), -1)


@pytest.mark.parametrize("departement", ["", "6AE", "Moselle", "100", "2C", "999"])
def test_an_unknown_departement_code_is_rejected(departement):
    # given a string that is not an INSEE département code
    # when we use it
    # then the calendar says so instead of silently using the national holidays
    with pytest.raises(ValueError, match="département"):
        is_working_day(date(2026, 4, 3), departement=departement)


@pytest.mark.parametrize("departement", [" 57", "57 ", "2a", "1"])
def test_departement_codes_are_normalised(departement):
    # given a département code written loosely
    # when we use it
    # then it is understood (57 gives Good Friday off; 2A and 01 do not)
    assert is_working_day(date(2026, 4, 3), departement=departement) is (
        departement.strip() != "57"
    )
