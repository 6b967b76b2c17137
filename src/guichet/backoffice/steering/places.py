"""Communes for the steering pages: intercommunalities, populations, names, the rate map."""

from __future__ import annotations

import polars as pl

from guichet.backoffice.commune_map import COLOURS, breaks, class_of
from guichet.catalogue.models import Service
from guichet.contracts.briefings.comparisons import Place, per_thousand
from guichet.contracts.briefings.periods import moment  # noqa: F401 — re-exported for views
from guichet.journeys import store
from guichet.journeys.engine import EventLog, Filters, filter_log
from guichet.territory.models import Commune, Intercommunality

__all__ = ["moment", "per_thousand"]


def log_of(authorities) -> EventLog:
    """The journal's analytics copy (brought up to date, as the dashboards do) cut to the
    agent's authorities: nobody counts another authority's requests."""
    slugs = tuple(a.slug for a in authorities) or ("\u2205",)
    return filter_log(store.journal_log(), Filters(authority=slugs))


def intercommunalities_of(authorities) -> list[Intercommunality]:
    """The intercommunalities the agent's authorities are or belong to."""
    ids = set()
    for authority in authorities:
        if authority.intercommunality_id:
            ids.add(authority.intercommunality_id)
        if authority.commune_id:
            ids |= set(Commune.objects.filter(pk=authority.commune_id)
                       .values_list("intercommunalities", flat=True))  # fmt: skip
    ids.discard(None)
    return list(Intercommunality.objects.filter(pk__in=ids).order_by("name"))


def chosen_group(groups: list[Intercommunality], siren: str) -> Intercommunality | None:
    for group in groups:
        if group.siren == siren:
            return group
    return groups[0] if groups else None


def places_of(group: Intercommunality) -> list[Place]:
    communes = Commune.objects.filter(intercommunalities=group, kind=Commune.Kind.CURRENT).order_by(
        "name"
    )
    return [Place(c.code, c.name, c.population) for c in communes]


def places_served(cases: pl.DataFrame) -> list[Place]:
    codes = [c for c in cases["commune"].unique().to_list() if c]
    communes = Commune.objects.filter(code__in=codes, kind=Commune.Kind.CURRENT).order_by("name")
    return [Place(c.code, c.name, c.population) for c in communes]


def commune_names(codes: list[str]) -> dict[str, str]:
    return dict(
        Commune.objects.filter(code__in=codes, kind=Commune.Kind.CURRENT).values_list(
            "code", "name"
        )
    )


def service_names(slugs: list[str]) -> dict[str, str]:
    return dict(Service.objects.filter(slug__in=slugs).values_list("slug", "name"))


def rate_map(rows: list[dict]) -> dict:
    """The GeoJSON `backoffice/steering_map.js` draws, coloured by the rate per 1,000
    inhabitants, and its legend."""
    values = [r["rate"] for r in rows if r["rate"] is not None]
    bounds = breaks(values)
    colours = COLOURS[-len(bounds):] if bounds else ()  # fmt: skip
    boundaries = dict(
        Commune.objects.filter(code__in=[r["code"] for r in rows], kind=Commune.Kind.CURRENT)
        .exclude(boundary__isnull=True)
        .values_list("code", "boundary")
    )  # fmt: skip
    features = []
    for r in rows:
        if r["code"] not in boundaries:
            continue
        colour = "#cccccc" if r["rate"] is None else colours[class_of(r["rate"], bounds)]
        features.append({
            "type": "Feature", "geometry": boundaries[r["code"]],
            "properties": {"code": r["code"], "name": r["name"], "rate": r["rate"],
                           "colour": colour},
        })  # fmt: skip
    legend, low = [], None
    for colour, bound in zip(colours, bounds, strict=True):
        label = f"jusqu'à {bound:g}" if low is None else f"de {low:g} à {bound:g}"
        legend.append({"colour": colour, "label": label})
        low = bound
    return {"geojson": {"type": "FeatureCollection", "features": features}, "legend": legend}
