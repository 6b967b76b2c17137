"""Property tests: the calendar's rules hold for any moment, promise, pause and département."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from guichet.core.calendar import (
    PARIS,
    DeadlineState,
    add_working_days,
    deadline_state,
    due_date,
    is_working_day,
    local_date,
    overdue_factor,
    working_days_between,
)

ZONES = [PARIS, UTC, ZoneInfo("America/Los_Angeles"), ZoneInfo("Pacific/Kiritimati")]

moments = st.datetimes(
    min_value=datetime(1990, 1, 1),
    max_value=datetime(2070, 12, 31),
    timezones=st.sampled_from(ZONES),
)
naive_moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2070, 12, 31))
promises = st.integers(min_value=0, max_value=400)
departements = st.sampled_from([None, "75", "57", "67", "68", "971", "974", "976", "2A"])
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=120))


@given(start=moments, n=promises, m=promises, departement=departements)
def test_add_working_days_is_monotonic_in_days(start, n, m, departement):
    # given one moment of receipt and two promises
    low, high = sorted((n, m))
    # when we compute both due moments
    # then the longer promise is never due earlier
    assert add_working_days(start, low, departement=departement) <= add_working_days(
        start, high, departement=departement
    )


@given(start=moments, later_by=durations, n=promises, departement=departements)
def test_add_working_days_is_monotonic_in_start(start, later_by, n, departement):
    # given two moments of receipt, one after the other
    later = start + later_by
    # when both receive the same promise
    # then the later request is never due earlier
    assert add_working_days(start, n, departement=departement) <= add_working_days(
        later, n, departement=departement
    )


@given(start=moments, n=st.integers(min_value=1, max_value=400), departement=departements)
def test_the_due_moment_is_the_end_of_a_working_day_in_paris(start, n, departement):
    # given a request and a promise of at least one day
    # when we compute its due moment
    due = add_working_days(start, n, departement=departement)
    # then it is the last instant of a working day, after the day of receipt, in Paris time
    assert due.tzinfo is PARIS
    assert (due.hour, due.minute, due.second, due.microsecond) == (23, 59, 59, 999999)
    assert is_working_day(due.date(), departement=departement)
    assert due.date() > local_date(start)


@given(start=moments, n=promises, departement=departements)
def test_working_days_between_inverts_add_working_days(start, n, departement):
    # given a request and a promise
    # when we compute its due moment and count the working days up to it
    due = add_working_days(start, n, departement=departement)
    # then we get the promise back
    assert working_days_between(start, due, departement=departement) == n


@given(start=moments, length=st.integers(min_value=0, max_value=60), departement=departements)
def test_working_days_between_agrees_with_counting_day_by_day(start, length, departement):
    # given a span of a few weeks
    end = start + timedelta(days=length)
    first, last = local_date(start), local_date(end)
    # when we count its working days at once and one by one
    counted = working_days_between(start, end, departement=departement)
    one_by_one = sum(
        is_working_day(first + timedelta(days=i), departement=departement)
        for i in range(1, (last - first).days + 1)
    )
    # then both agree, and swapping the ends flips the sign
    assert counted == one_by_one
    assert working_days_between(end, start, departement=departement) == -counted


@st.composite
def requests_with_pauses(draw):
    received = draw(moments)
    pauses = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        start = received + draw(
            st.timedeltas(min_value=-timedelta(days=10), max_value=timedelta(days=60))
        )
        pauses.append((start, start + draw(durations)))
    return received, draw(st.integers(min_value=0, max_value=60)), pauses


@given(request=requests_with_pauses(), departement=departements)
def test_pauses_never_make_the_due_date_earlier(request, departement):
    # given a request with any closed pauses
    received, promise, pauses = request
    # when we compute its due date with and without them
    plain = due_date(received, promise, [], departement=departement)
    paused = due_date(received, promise, pauses, departement=departement)
    # then the pauses can only push it later, and one more pause too
    assert plain == add_working_days(received, promise, departement=departement)
    assert paused >= plain
    if pauses:
        assert due_date(received, promise, pauses[:-1], departement=departement) <= paused


@given(
    received=moments,
    promise=st.integers(min_value=0, max_value=60),
    offset=st.floats(min_value=0, max_value=1),
    length=durations,
    departement=departements,
)
def test_a_closed_pause_delays_by_exactly_the_working_days_it_covered(
    received, promise, offset, length, departement
):
    # given a request and one pause that starts between receipt and the due moment
    plain = add_working_days(received, promise, departement=departement)
    start = received + (plain.astimezone(UTC) - received.astimezone(UTC)) * offset
    assume(received <= start <= plain)
    end = start + length
    covered = working_days_between(start, end, departement=departement)
    # when we compute its due date
    paused = due_date(received, promise, [(start, end)], departement=departement)
    # then it is pushed by exactly the working days the pause covered
    assert working_days_between(plain, paused, departement=departement) == covered


@given(request=requests_with_pauses(), open_since=moments)
def test_an_open_pause_always_means_no_due_date(request, open_since):
    # given a request with closed pauses and one still open
    received, promise, pauses = request
    # when we compute its due date
    # then there is none, whatever the other pauses
    assert due_date(received, promise, [*pauses, (open_since, None)]) is None


@given(received=moments, promise=promises, later_by=durations)
def test_deadline_state_agrees_with_the_overdue_factor(received, promise, later_by):
    # given a request, its due moment and any later moment
    due = add_working_days(received, promise)
    now = received + later_by
    # when we ask its state and its overdue factor
    state = deadline_state(due, now, received_at=received, at_risk_ratio=0.8)
    factor = overdue_factor(received, due, now)
    # then overdue means more than one promised duration elapsed, at risk at least 0.8
    assert (state == DeadlineState.OVERDUE) == (now > due)
    if state == DeadlineState.OVERDUE:
        assert factor >= 1
    elif state == DeadlineState.AT_RISK:
        assert 0.8 <= factor <= 1
    else:
        assert factor < 0.8


@given(naive=naive_moments, aware=moments, n=promises)
def test_naive_datetimes_are_rejected_everywhere(naive, aware, n):
    # given a naive datetime among aware ones
    calls = [
        lambda: add_working_days(naive, n),
        lambda: working_days_between(naive, aware),
        lambda: working_days_between(aware, naive),
        lambda: due_date(naive, n, []),
        lambda: due_date(aware, n, [(naive, aware)]),
        lambda: deadline_state(naive, aware, at_risk_working_days=1),
        lambda: deadline_state(aware, naive, received_at=aware),
        lambda: overdue_factor(naive, aware, aware),
        lambda: overdue_factor(aware, aware, naive),
    ]
    # when any function receives it
    # then it is refused
    for call in calls:
        with pytest.raises(ValueError, match="aware"):
            call()
