"""Weekly demand forecast per service and commune, with its backtest error (statsmodels).

The model depends on the history a series has (docs/journeys.md, "Prévision"):
- 2 full years of weeks or more: Holt-Winters, additive trend and yearly seasonality (52 weeks);
- 8 weeks or more: Holt's damped additive trend, no seasonality;
- less: the mean of the weeks we have (a flat line).
The backtest refits the same choice on the history minus the last `backtest_weeks` weeks and
compares its forecast with what happened (MAE, and MAPE over the weeks with demand).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import polars as pl

from guichet.journeys.engine.log import EventLog

SEASON = 52
HORIZON = 8


@dataclass(frozen=True)
class SeriesForecast:
    service: str | None
    commune: str | None
    model: str
    history_weeks: int
    weeks: list[datetime]
    forecast: list[float]
    mae: float | None
    mape: float | None

    def as_dict(self) -> dict:
        return {
            "service": self.service,
            "commune": self.commune,
            "model": self.model,
            "history_weeks": self.history_weeks,
            "forecast": [
                {"week": w.date().isoformat(), "requests": round(v, 2)}
                for w, v in zip(self.weeks, self.forecast, strict=True)
            ],
            "backtest_mae": self.mae,
            "backtest_mape": self.mape,
        }


def weekly_demand(log: EventLog, *, until: datetime | None = None) -> pl.DataFrame:
    """Requests received per week (Monday) per service and commune, missing weeks as 0."""
    cases = log.cases.filter(pl.col("received_at").is_not_null())
    if until is not None:
        cases = cases.filter(pl.col("received_at") < until)
    counted = cases.group_by(
        "service", "commune", week=pl.col("received_at").dt.truncate("1w")
    ).len("requests")
    if counted.is_empty():
        return counted
    weeks = pl.datetime_range(counted["week"].min(), counted["week"].max(), "1w", eager=True)
    grid = (
        counted.select("service", "commune")
        .unique()
        .join(pl.DataFrame({"week": weeks}), how="cross")
    )
    return (
        grid.join(counted, on=["service", "commune", "week"], how="left", nulls_equal=True)
        .with_columns(pl.col("requests").fill_null(0).cast(pl.Float64))
        .sort("service", "commune", "week", nulls_last=True)
    )


def _model_name(n: int) -> str:
    if n >= 2 * SEASON:
        return "holt-winters"
    if n >= 8:
        return "holt-amorti"
    return "moyenne"


def _fit_predict(history: np.ndarray, steps: int, model: str) -> np.ndarray:
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    if model == "moyenne":
        return np.full(steps, history.mean() if history.size else 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter on short, spiky series
        if model == "holt-winters":
            fitted = ExponentialSmoothing(
                history, trend="add", seasonal="add", seasonal_periods=SEASON
            ).fit()
        else:
            fitted = ExponentialSmoothing(history, trend="add", damped_trend=True).fit()
        prediction = np.asarray(fitted.forecast(steps), dtype=float)
    # A negative number of requests means nothing: clip.
    return np.clip(np.nan_to_num(prediction), 0.0, None)


def forecast_demand(
    log: EventLog,
    *,
    horizon: int = HORIZON,
    backtest_weeks: int = 4,
    until: datetime | None = None,
) -> list[SeriesForecast]:
    """The next `horizon` weeks of requests for each (service, commune) series."""
    demand = weekly_demand(log, until=until)
    if demand.is_empty():
        return []
    results = []
    for (service, commune), series in demand.group_by("service", "commune", maintain_order=True):
        values = series["requests"].to_numpy()
        last_week = series["week"].max()
        model = _model_name(len(values))
        prediction = _fit_predict(values, horizon, model)
        mae = mape = None
        if len(values) > backtest_weeks + 1:
            train, actual = values[:-backtest_weeks], values[-backtest_weeks:]
            back = _fit_predict(train, backtest_weeks, _model_name(len(train)))
            mae = float(np.mean(np.abs(back - actual)))
            demand_weeks = actual > 0
            if demand_weeks.any():
                mape = float(
                    np.mean(
                        np.abs(back[demand_weeks] - actual[demand_weeks]) / actual[demand_weeks]
                    )
                )
        future = [last_week + timedelta(weeks=k) for k in range(1, horizon + 1)]
        results.append(
            SeriesForecast(
                service=service,
                commune=commune,
                model=model,
                history_weeks=len(values),
                weeks=future,
                forecast=[float(v) for v in prediction],
                mae=mae,
                mape=mape,
            )  # fmt: skip
        )
    return results
