"""`at_risk_before`: the one bound a list counts at-risk deadlines with, for any moment,
deadline and département, agrees with counting the working days left."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guichet.core.calendar import (
    PARIS,
    at_risk_before,
    departements_with_local_holidays,
    working_days_between,
)

moments = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2060, 12, 31),
    timezones=st.sampled_from([PARIS, UTC, ZoneInfo("Pacific/Kiritimati")]),
)
departements = st.sampled_from([None, "92", "2A", *departements_with_local_holidays()])


@settings(deadline=None)  # the first call loads the holidays of a year
@given(
    now=moments,
    ahead=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)),
    days=st.integers(min_value=0, max_value=10),
    departement=departements,
)
def test_a_deadline_is_before_the_bound_exactly_when_few_working_days_are_left(
    now, ahead, days, departement
):
    # given a deadline not yet passed
    due = now + ahead
    # when we compare it with the bound
    before = due < at_risk_before(now, working_days=days, departement=departement)
    # then it is before the bound exactly when at most `days` working days are left
    assert before == (working_days_between(now, due, departement=departement) <= days)


def test_the_bound_is_a_local_midnight_after_the_holidays_of_moselle():
    # given Wednesday 1 April 2026 (Good Friday 3 April is off in Moselle, Easter Monday 6
    # April everywhere)
    now = datetime(2026, 4, 1, 10, tzinfo=PARIS)
    # then two working days left reach Friday in Sceaux's calendar, Tuesday in Metz's
    assert at_risk_before(now, working_days=2) == datetime(2026, 4, 7, tzinfo=PARIS)
    assert at_risk_before(now, working_days=2, departement="57") == datetime(
        2026, 4, 8, tzinfo=PARIS
    )
    with pytest.raises(ValueError):
        at_risk_before(now, working_days=-1)
