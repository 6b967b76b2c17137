"""Each indicator against a value computed by hand on the small world (factories.history)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from guichet.contracts.indicators import behind, compute, facts_for
from guichet.contracts.models import IndicatorKind as K

pytestmark = pytest.mark.django_db

MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)


def _year(world):
    return compute(world.contract, date(2026, 1, 1), date(2026, 12, 31))


def _result(figures, kind):
    return next(r for r in figures.results if r.indicator.kind == kind)


def test_the_facts_of_each_request_are_those_counted_by_hand(world):
    # given the history: a, b, c, d in March, e in April, x before the contract
    facts = {
        f.reference: f for f in facts_for(world.contract, date(2026, 1, 1), date(2026, 12, 31))
    }
    r = world.requests
    # then x is out of the period, the others are in with their own figures
    assert set(facts) == {r[k].reference for k in "abcde"}
    a, b, c, d, e = (facts[r[k].reference] for k in "abcde")
    assert (a.answer_days, a.resolve_days, a.within_promise, a.first_contact) == (2, 4, True, True)
    assert (b.answer_days, b.resolve_days, b.within_promise, b.first_contact) == (
        10,
        10,
        True,
        False,
    )
    assert (c.answer_days, c.resolve_days, c.within_promise, c.first_contact) == (
        7,
        None,
        None,
        None,
    )
    assert (d.answer_days, d.resolve_days, d.within_promise, d.first_contact) == (
        13,
        13,
        False,
        True,
    )
    assert (e.answer_days, e.resolve_days, e.within_promise, e.first_contact) == (1, 1, True, True)
    assert [f.repeat for f in (a, b, c, d, e)] == [False, True, False, False, False]
    assert [f.score for f in (a, b, c, d, e)] == [5, 2, None, None, 4]
    assert [f.complaint for f in (a, b, c, d, e)] == [False, True, False, False, False]


@pytest.mark.parametrize(
    ("kind", "march", "april", "breach_in_march"),
    [
        (K.ANSWER_DELAY, 8.0, 1.0, True),  # (2 + 10 + 7 + 13) / 4; target 2 ± 1
        (K.RESOLVE_DELAY, 9.0, 1.0, True),  # bins only: (4 + 10 + 13) / 3; target 5
        (K.WITHIN_PROMISE, 66.67, 100.0, True),  # 2 of a, b, d; target 90 − 5
        (K.FIRST_CONTACT, 66.67, 100.0, True),  # a and d of a, b, d; target 80
        (K.REPEAT_CONTACTS, 25.0, 0.0, True),  # b of four; target 10
        (K.SATISFACTION, 3.5, 4.0, False),  # (5 + 2) / 2 = 4 − 0.5: on the edge, kept
        (K.COMPLAINTS, 1.0, 0.0, True),  # b said « non résolu »; target 0
    ],
)
def test_each_indicator_by_month_matches_the_hand_computed_value(
    world, kind, march, april, breach_in_march
):
    result = _result(_year(world), kind)
    assert result.by_month[MARCH].value == march
    assert result.by_month[APRIL].value == april
    assert result.by_month[MARCH].breach is breach_in_march
    assert not result.by_month[APRIL].breach


def test_a_month_without_requests_has_no_value_and_no_breach(world):
    figures = _year(world)
    assert len(figures.months) == 12
    delay = _result(figures, K.ANSWER_DELAY).by_month[date(2026, 6, 1)]
    assert (delay.value, delay.population, delay.breach) == (None, 0, False)


def test_figures_by_commune_split_the_month(world):
    result = _result(_year(world), K.ANSWER_DELAY)
    assert result.by_month_commune[(MARCH, world.sceaux.pk)].value == 7.33  # (2 + 7 + 13) / 3
    assert result.by_month_commune[(MARCH, world.bourg.pk)].value == 10.0
    assert result.by_commune[world.bourg.pk].population == 1


def test_breaches_imply_the_penalties_of_the_contract(world):
    figures = _year(world)
    # March: answer delay 500 €, within promise 1 000 €, complaints 200 €; others have none
    assert _result(figures, K.WITHIN_PROMISE).penalty == Decimal("1000")
    assert figures.penalty == Decimal("1700")
    assert figures.breach_count == 6


def test_the_requests_behind_a_figure_are_its_population_with_their_values(world):
    figures = _year(world)
    facts = facts_for(world.contract, date(2026, 1, 1), date(2026, 12, 31))
    r = world.requests
    within = _result(figures, K.WITHIN_PROMISE).indicator
    rows = behind(within, facts, month=MARCH)
    assert {(f.reference, v) for f, v in rows} == {
        (r["a"].reference, True), (r["b"].reference, True), (r["d"].reference, False)
    }  # fmt: skip
    in_bourg = behind(within, facts, month=MARCH, commune=world.bourg.pk)
    assert [f.reference for f, _ in in_bourg] == [r["b"].reference]


def test_a_period_is_clipped_to_the_contract(world):
    figures = compute(world.contract, date(2025, 12, 1), date(2026, 1, 31))
    assert figures.months == [date(2026, 1, 1)]
    assert figures.requests == 0
