"""A briefing's numbers, from the journal's analytics copy (pure: an EventLog in, a dict out).

Every figure here can be found again on the dashboards with the same filters (the remit's
authority, commune and services, the period's dates). Definitions (ADR 0039):
- resolved within promise: cases that ended resolved in the period, not past their due date;
- satisfaction: mean survey score of the cases ended in the period, against the period before;
- fastest services: median lead time (days) of the cases ended in the period, 3 cases or more;
- irritants above their usual level: the rate among the period's new cases against the mean
  rate of the 4 periods before, at least 5 points and half as much again above it;
- communes with rising delays: median lead time up by a quarter and a day or more;
- forecast: the journeys forecast of the remit's weekly demand, with its backtest error.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl

from guichet.contracts.briefings.periods import moment, previous
from guichet.journeys.engine import EventLog, case_figures, forecast_demand

DAY = 86_400.0
WATCHED_IRRITANTS = (
    "repeat_contact", "long_silence", "deadline_breached", "abandoned", "reopened",
    "dissatisfied",
)  # fmt: skip
MIN_CASES = 5
MIN_SERVICE_CASES = 3
USUAL_PERIODS = 4
HORIZON = 4


def _between(frame: pl.DataFrame, column: str, start: date, end: date) -> pl.DataFrame:
    return frame.filter((pl.col(column) >= moment(start)) & (pl.col(column) < moment(end)))


def _rate(frame: pl.DataFrame, name: str) -> float | None:
    if name == "dissatisfied":
        frame = frame.filter(pl.col("answered_satisfaction").fill_null(False))
    if frame.height == 0:
        return None
    return float(frame[name].fill_null(False).mean())


def _median_days(frame: pl.DataFrame) -> float | None:
    value = frame["lead_time_seconds"].median() if frame.height else None
    return None if value is None else float(value) / DAY


def compute(log: EventLog, *, start: date, end: date, frequency: str, now) -> dict:
    """The briefing's figures for [start, end) (see the module's definitions)."""
    figures = case_figures(log, as_of=now)
    ended = figures.filter(pl.col("ended_at").is_not_null())
    received = _between(figures, "received_at", start, end)
    ended_now = _between(ended, "ended_at", start, end)
    before = previous(start, end, frequency)
    ended_before = _between(ended, "ended_at", *before)
    resolved = ended_now.filter(pl.col("outcome") == "resolved")
    within = resolved.filter(~pl.col("deadline_breached").fill_null(False))
    scores_now = ended_now["satisfaction_score"].drop_nulls()
    scores_before = ended_before["satisfaction_score"].drop_nulls()

    fastest = []
    if ended_now.height:
        per_service = (
            ended_now.group_by("service")
            .agg(
                pl.len().alias("cases"), (pl.col("lead_time_seconds").median() / DAY).alias("days")
            )
            .filter(pl.col("cases") >= MIN_SERVICE_CASES)
            .sort("days", "service")
            .head(3)
        )
        fastest = [
            {"service": r["service"], "cases": r["cases"], "median_days": round(r["days"], 1)}
            for r in per_service.iter_rows(named=True)
        ]

    irritants = []
    if received.height >= MIN_CASES:
        windows, (s, e) = [], (start, end)
        for _ in range(USUAL_PERIODS):
            s, e = previous(s, e, frequency)
            windows.append(_between(figures, "received_at", s, e))
        for name in WATCHED_IRRITANTS:
            rate = _rate(received, name)
            usual_rates = [r for w in windows if (r := _rate(w, name)) is not None]
            if rate is None or not usual_rates:
                continue
            usual = sum(usual_rates) / len(usual_rates)
            if rate >= usual + 0.05 and rate >= 1.5 * usual:
                irritants.append({"irritant": name, "rate": round(rate, 3),
                                  "usual": round(usual, 3)})  # fmt: skip

    rising = []
    for commune, now_rows in ended_now.filter(pl.col("commune").is_not_null()).group_by("commune"):
        code = commune[0]
        then_rows = ended_before.filter(pl.col("commune") == code)
        if now_rows.height < MIN_SERVICE_CASES or then_rows.height < MIN_SERVICE_CASES:
            continue
        now_days, then_days = _median_days(now_rows), _median_days(then_rows)
        if now_days is None or then_days is None:
            continue
        if now_days >= 1.25 * then_days and now_days - then_days >= 1:
            rising.append({"commune": code, "median_days": round(now_days, 1),
                           "before_days": round(then_days, 1)})  # fmt: skip
    rising.sort(key=lambda r: r["commune"])

    return {
        "received": received.height,
        "ended": ended_now.height,
        "resolved": resolved.height,
        "resolved_within_promise": within.height,
        "within_share": round(within.height / resolved.height, 3) if resolved.height else None,
        "satisfaction": round(float(scores_now.mean()), 2) if scores_now.len() else None,
        "satisfaction_answers": scores_now.len(),
        "satisfaction_before": round(float(scores_before.mean()), 2)
        if scores_before.len()
        else None,
        "fastest": fastest,
        "irritants": irritants,
        "rising_delays": rising,
        "forecast": forecast(log, until=moment(end)),
    }


def forecast(log: EventLog, *, until) -> dict | None:
    """The remit's weekly demand for the next HORIZON weeks, as one series, with the error of
    the same model on the last 4 weeks it knew (MAE, requests per week)."""
    whole = replace(
        log, cases=log.cases.with_columns(service=pl.lit(None, pl.String),
                                          commune=pl.lit(None, pl.String))
    )  # fmt: skip
    series = forecast_demand(whole, horizon=HORIZON, until=until)
    if not series:
        return None
    one = series[0]
    return {
        "model": one.model,
        "history_weeks": one.history_weeks,
        "weeks": [
            {"week": (w.date() if hasattr(w, "date") else w).isoformat(), "requests": round(v, 1)}
            for w, v in zip(one.weeks, one.forecast, strict=True)
        ],
        "mae": None if one.mae is None else round(one.mae, 1),
        "mape": None if one.mape is None else round(one.mape, 3),
    }
