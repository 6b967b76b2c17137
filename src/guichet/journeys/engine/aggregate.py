"""From per-case figures to the rates managers read, overall or by segment and period."""

from __future__ import annotations

import polars as pl

from guichet.journeys.engine.log import SEGMENTS

# Irritant column → what it needs from the log. An external log without Guichet's kinds
# (contacts, replies, hand-offs, statuses) cannot tell them: its rate is "unavailable".
IRRITANTS: dict[str, str] = {
    "repeat_contact": "guichet",
    "contact_burst": "guichet",
    "first_contact_resolution": "guichet",
    "long_silence": "any",
    "deadline_breached": "due_at",
    "at_risk": "due_at",
    "rework": "any",
    "ping_pong": "guichet",
    "channel_switch": "channel",
    "reopened": "guichet",
    "abandoned": "guichet",
    "dissatisfied": "satisfaction",
}
PERIODS = {"day": "1d", "week": "1w", "month": "1mo", "quarter": "1q", "year": "1y"}
DIMENSIONS = (*SEGMENTS, "period")


def _group_column(by: str, period: str) -> pl.Expr:
    if by == "period":
        return pl.col("received_at").dt.truncate(PERIODS[period]).alias("period")
    if by not in SEGMENTS:
        raise ValueError(f"Découpage inconnu : « {by} » (possibles : {', '.join(DIMENSIONS)}).")
    return pl.col(by).fill_null("(non renseigné)")


def availability(figures: pl.DataFrame, *, is_guichet: bool) -> dict[str, bool]:
    """Which irritants this log can tell (see IRRITANTS)."""
    has = {
        "any": True,
        "guichet": is_guichet,
        "due_at": figures["due_at"].null_count() < figures.height,
        "channel": (figures["channels"].fill_null(0).max() or 0) > 0,
        "satisfaction": bool(figures["answered_satisfaction"].fill_null(False).any()),
    }
    return {name: bool(has[need]) for name, need in IRRITANTS.items()}


def summary(
    figures: pl.DataFrame,
    *,
    is_guichet: bool,
    by: str | None = None,
    period: str = "month",
) -> pl.DataFrame:
    """Volumes, durations, waiting split and irritant rates, one row (or one per group).

    Rates are shares of cases in [0, 1]; an irritant the log cannot tell is null. The
    dissatisfaction rate is a share of the cases whose user answered the survey.
    """
    available = availability(figures, is_guichet=is_guichet) if figures.height else {}
    day = 86_400.0
    aggs = [
        pl.len().cast(pl.Int64).alias("cases"),
        pl.col("is_open").sum().cast(pl.Int64).alias("open"),
        pl.col("events").sum().cast(pl.Int64).alias("events"),
        (pl.col("lead_time_seconds").mean() / day).alias("lead_time_mean_days"),
        (pl.col("lead_time_seconds").median() / day).alias("lead_time_median_days"),
        (pl.col("lead_time_seconds").quantile(0.9, "linear") / day).alias("lead_time_p90_days"),
        (pl.col("user_wait_seconds").sum() / day).alias("user_wait_days"),
        (pl.col("admin_wait_seconds").sum() / day).alias("admin_wait_days"),
        pl.col("contacts").sum().cast(pl.Int64).alias("contacts"),
        # a follower reported the same thing: reports = cases + their followers (issue 16)
        pl.col("followers").sum().cast(pl.Int64).alias("followers"),
        (pl.len() + pl.col("followers").sum()).cast(pl.Int64).alias("reports"),
        pl.col("answered_satisfaction").fill_null(False).sum().cast(pl.Int64).alias("answers"),
        pl.col("satisfaction_score").mean().alias("satisfaction_score_mean"),
    ]
    for name in IRRITANTS:
        if not available.get(name, False):
            aggs.append(pl.lit(None, dtype=pl.Float64).alias(f"{name}_rate"))
        elif name == "dissatisfied":
            answered = pl.col("answered_satisfaction").fill_null(False)
            aggs.append(
                (pl.col(name).fill_null(False).filter(answered).mean()).alias(f"{name}_rate")
            )
        elif name == "at_risk":
            aggs.append(
                pl.col(name).fill_null(False).filter(pl.col("is_open")).mean().alias(f"{name}_rate")
            )
        else:
            aggs.append(pl.col(name).fill_null(False).mean().alias(f"{name}_rate"))
    if by is None:
        return figures.select(aggs)
    key = _group_column(by, period)
    return figures.group_by(key).agg(aggs).sort(by if by != "period" else "period")
