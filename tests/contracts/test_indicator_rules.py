"""The indicators' rules as properties: shares stay shares, means stay within their values,
a breach is exactly a miss beyond the tolerance (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guichet.contracts.indicators import is_breach, value_of
from guichet.contracts.indicators.facts import Fact
from guichet.contracts.models import IndicatorKind as K

MARCH = date(2026, 3, 1)
RELAXED = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


def _fact(i: int, score: int | None, chased: bool) -> Fact:
    return Fact(i, f"R{i}", 1, 1, MARCH, None, score=score, repeat=chased)  # type: ignore[arg-type]


@RELAXED
@given(st.lists(st.tuples(st.one_of(st.none(), st.integers(1, 5)), st.booleans()), max_size=40))
def test_shares_stay_within_0_and_100_and_means_within_the_scores(rows):
    facts = [_fact(i, score, chased) for i, (score, chased) in enumerate(rows)]
    share, population = value_of(K.REPEAT_CONTACTS, facts)
    assert population == len(facts)
    assert share is None if not facts else 0 <= share <= 100
    mean, answered = value_of(K.SATISFACTION, facts)
    scores = [s for s, _ in rows if s is not None]
    assert answered == len(scores)
    assert mean is None if not scores else min(scores) <= mean <= max(scores)


@RELAXED
@given(st.decimals(0, 100, places=2), st.decimals(0, 20, places=2), st.floats(0, 100))
def test_a_breach_is_exactly_a_miss_beyond_the_tolerance(target, tolerance, value):
    higher = is_breach(K.WITHIN_PROMISE, value, target, tolerance)
    lower = is_breach(K.REPEAT_CONTACTS, value, target, tolerance)
    assert higher == (Decimal(str(value)) < target - tolerance)
    assert lower == (Decimal(str(value)) > target + tolerance)
    assert not (higher and lower) or tolerance < 0
