"""Silent demand: where requests are far rarer than in comparable communes, and who gave up.

A commune's rate for a service (requests per 1,000 inhabitants over the period) is compared
with the median rate of the communes of the same size band in the scope (at least
MIN_PEERS others); it is « far below » under half that median when the gap is worth at least
MIN_MISSING requests. An access problem or an unknown service is a hypothesis to check on
the ground, never a conclusion.
"""

from __future__ import annotations

from datetime import date
from statistics import median

import polars as pl

from guichet.contracts.briefings.comparisons import Place, per_thousand
from guichet.contracts.briefings.periods import moment

BANDS = ((0, 2_000, "moins de 2 000 habitants"), (2_000, 10_000, "de 2 000 à 10 000 habitants"),
         (10_000, 50_000, "de 10 000 à 50 000 habitants"),
         (50_000, 10**9, "50 000 habitants ou plus"))  # fmt: skip
MIN_PEERS = 2
MIN_MISSING = 5
FAR_BELOW = 0.5


def band_of(population: int) -> str:
    for low, high, label in BANDS:
        if low <= population < high:
            return label
    return BANDS[-1][2]


def under_use(cases: pl.DataFrame, places: list[Place], *, start: date, end: date) -> list[dict]:
    """(commune, service) pairs far below their peers, the largest gap first."""
    known = [p for p in places if p.population]
    window = cases.filter(
        pl.col("commune").is_not_null() & pl.col("service").is_not_null()
        & (pl.col("received_at") >= moment(start)) & (pl.col("received_at") < moment(end))
    )  # fmt: skip
    counts = {(c, s): n for c, s, n in window.group_by("commune", "service").len().iter_rows()}
    services = sorted({s for _, s in counts})
    found = []
    for service in services:
        rates = {
            p.code: per_thousand(counts.get((p.code, service), 0), p.population) for p in known
        }
        for place in known:
            band = band_of(place.population)
            peers = [rates[q.code] for q in known
                     if q.code != place.code and band_of(q.population) == band]  # fmt: skip
            if len(peers) < MIN_PEERS:
                continue
            usual = median(peers)
            rate = rates[place.code]
            expected = usual * place.population / 1000
            actual = counts.get((place.code, service), 0)
            if usual > 0 and rate < FAR_BELOW * usual and expected - actual >= MIN_MISSING:
                found.append({
                    "code": place.code, "name": place.name, "population": place.population,
                    "band": band, "service": service, "requests": actual, "rate": rate,
                    "peers_rate": round(usual, 2), "expected": round(expected, 1),
                    "missing": round(expected - actual, 1),
                })  # fmt: skip
    found.sort(key=lambda r: (-r["missing"], r["name"], r["service"]))
    return found


def abandoned_by_segment(figures: pl.DataFrame, segment: str) -> list[dict]:
    """Cases abandoned (the journeys' irritant: waited for the person, never answered) per
    value of `segment` (category, channel, service, commune), the highest rate first."""
    if figures.height == 0:
        return []
    table = (
        figures.group_by(pl.col(segment).fill_null("(non renseigné)").alias("value"))
        .agg(pl.len().alias("cases"), pl.col("abandoned").fill_null(False).sum().alias("abandoned"))
        .with_columns((pl.col("abandoned") / pl.col("cases")).alias("rate"))
        .sort(["rate", "value"], descending=[True, False])
    )
    return [
        {"value": r["value"], "cases": r["cases"], "abandoned": r["abandoned"],
         "rate": round(r["rate"], 3)}
        for r in table.iter_rows(named=True)
    ]  # fmt: skip
