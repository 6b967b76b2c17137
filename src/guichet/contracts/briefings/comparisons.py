"""Communes compared per 1,000 inhabitants (population of the official geographic code).

Pure functions over the journeys' per-case frame (`cases`: commune, service, received_at) and
a list of communes with their population; the pages add names, maps and charts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from guichet.contracts.briefings.periods import moment


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    population: int | None


def per_thousand(count: int, population: int | None) -> float | None:
    """Requests per 1,000 inhabitants (None without a population)."""
    if not population:
        return None
    return round(1000 * count / population, 2)


def counts_by_commune(cases: pl.DataFrame, start: date, end: date) -> dict[str, int]:
    """Requests received in [start, end) per commune code."""
    window = cases.filter(
        pl.col("commune").is_not_null()
        & (pl.col("received_at") >= moment(start))
        & (pl.col("received_at") < moment(end))
    )
    return dict(window.group_by("commune").len().iter_rows())


def compare(
    cases: pl.DataFrame, places: list[Place], *, period: tuple[date, date],
    before: tuple[date, date],
) -> list[dict]:  # fmt: skip
    """One row per commune: requests and rate per 1,000 in `period` and in `before`, the
    change of the rate in %; sorted by the rate in `period`, highest first."""
    now, then = counts_by_commune(cases, *period), counts_by_commune(cases, *before)
    rows = []
    for place in places:
        a, b = now.get(place.code, 0), then.get(place.code, 0)
        rate_a, rate_b = per_thousand(a, place.population), per_thousand(b, place.population)
        change = None
        if rate_a is not None and rate_b:
            change = round(100 * (rate_a - rate_b) / rate_b, 1)
        rows.append({
            "code": place.code, "name": place.name, "population": place.population,
            "requests": a, "rate": rate_a, "requests_before": b, "rate_before": rate_b,
            "change": change,
        })  # fmt: skip
    rows.sort(key=lambda r: (-(r["rate"] if r["rate"] is not None else -1), r["name"]))
    return rows
