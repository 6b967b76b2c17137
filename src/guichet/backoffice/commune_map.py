"""Requests and delays by commune: the figures, their colour classes and the GeoJSON for Leaflet."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from guichet.backoffice.analytics import Names, Table, fmt
from guichet.territory.models import Commune

DAY = 86_400.0
# Sequential blues (light → dark), readable with a dark outline; 5 classes.
COLOURS = ("#e8edff", "#b1c0ff", "#6a6af4", "#2f2fb8", "#000091")
MEASURES = {"volume": "Nombre de demandes", "delai": "Durée médiane (jours)"}


@dataclass(frozen=True)
class LegendClass:
    colour: str
    label: str


@dataclass(frozen=True)
class CommuneMap:
    geojson: dict
    legend: list[LegendClass]
    table: Table
    measure: str


def breaks(values: list[float], classes: int = len(COLOURS)) -> list[float]:
    """Upper bounds of equal-count classes (quantiles), without repeats."""
    ordered = sorted(values)
    if not ordered:
        return []
    bounds = [ordered[min(len(ordered) - 1, (len(ordered) * (i + 1)) // classes - 1)]
              for i in range(classes)]  # fmt: skip
    bounds[-1] = ordered[-1]
    return sorted(set(bounds))


def class_of(value: float, bounds: list[float]) -> int:
    for i, bound in enumerate(bounds):
        if value <= bound:
            return i
    return len(bounds) - 1


def commune_map(figures: pl.DataFrame, names: Names, *, measure: str) -> CommuneMap:
    """One feature per commune with requests: volume, median lead time, its colour, a popup."""
    per_commune = (
        figures.filter(pl.col("commune").is_not_null())
        .group_by("commune")
        .agg(
            pl.len().alias("cases"),
            pl.col("is_open").sum().alias("open"),
            (pl.col("lead_time_seconds").filter(~pl.col("is_open")).median() / DAY).alias("median"),
            pl.col("deadline_breached").fill_null(False).mean().alias("breached"),
        )
        .sort("cases", descending=True)
    )
    rows = per_commune.to_dicts()
    key = "cases" if measure == "volume" else "median"
    bounds = breaks([r[key] for r in rows if r[key] is not None])
    colours = COLOURS[-len(bounds):] if bounds else ()  # fmt: skip
    boundaries = dict(
        Commune.objects.filter(code__in=[r["commune"] for r in rows], kind=Commune.Kind.CURRENT)
        .exclude(boundary__isnull=True)
        .values_list("code", "boundary")
    )  # fmt: skip
    features, table_rows = [], []
    for r in rows:
        name = names.of("commune", r["commune"])
        median = fmt(r["median"])
        table_rows.append([r["commune"], name, r["cases"], r["open"], median,
                           fmt(100 * r["breached"])])  # fmt: skip
        value = r[key]
        colour = "#cccccc" if value is None else colours[class_of(value, bounds)]
        if r["commune"] in boundaries:
            features.append({
                "type": "Feature",
                "geometry": boundaries[r["commune"]],
                "properties": {
                    "code": r["commune"], "name": name, "cases": r["cases"], "open": r["open"],
                    "median_days": median, "colour": colour,
                },
            })  # fmt: skip
    legend, low = [], None
    for colour, bound in zip(colours, bounds, strict=True):
        shown = f"{bound:g}" if measure == "delai" else f"{int(bound)}"
        label = f"jusqu'à {shown}" if low is None else f"de {low} à {shown}"
        legend.append(LegendClass(colour, label))
        low = shown
    table = Table(
        "communes", "Demandes et délais par commune",
        ["Code INSEE", "Commune", "Demandes", "Ouvertes", "Durée médiane (jours)",
         "Délai dépassé (%)"],
        table_rows,
    )  # fmt: skip
    return CommuneMap(
        geojson={"type": "FeatureCollection", "features": features},
        legend=legend, table=table, measure=measure,
    )  # fmt: skip
