"""Weekly demand forecast per service and commune, with its backtest error."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import polars as pl

from guichet.journeys.engine import forecast_demand, make_log

MONDAY = datetime(2022, 1, 3, 10, tzinfo=UTC)


def demand_log(weeks: int, per_week) -> object:
    """A log where each week gets `per_week(w)` requests for one service in one commune."""
    rows, cases = [], []
    for week in range(weeks):
        for n in range(per_week(week)):
            case_id = f"{week}-{n}"
            rows.append(
                {
                    "case_id": case_id,
                    "activity": "request.received",
                    "timestamp": MONDAY + timedelta(weeks=week, hours=n),
                }
            )
            cases.append({"case_id": case_id, "service": "encombrants", "commune": "92071"})
    return make_log(pl.DataFrame(rows), pl.DataFrame(cases))


def test_two_years_of_seasonal_demand_get_a_seasonal_model_with_a_small_backtest_error():
    # given two and a half years of demand that peaks every summer
    def seasonal(week):
        return 20 + round(10 * math.sin(2 * math.pi * week / 52))

    log = demand_log(130, seasonal)
    # when the next 8 weeks are forecast
    [series] = forecast_demand(log)
    # then Holt-Winters is used, 8 weeks come out, and the backtest error is small
    assert series.model == "holt-winters"
    assert (
        len(series.forecast) == 8
        and series.weeks[0].date() == (MONDAY + timedelta(weeks=130)).date()
    )
    assert series.mae is not None and series.mae < 3
    assert abs(series.forecast[0] - seasonal(130)) < 4


def test_a_short_history_falls_back_to_the_mean():
    # given five weeks of 4 requests
    log = demand_log(5, lambda week: 4)
    # when forecast
    [series] = forecast_demand(log, backtest_weeks=2)
    # then the forecast is the flat mean and the backtest error is zero
    assert series.model == "moyenne"
    assert series.forecast == [4.0] * 8
    assert series.mae == 0.0 and series.mape == 0.0
