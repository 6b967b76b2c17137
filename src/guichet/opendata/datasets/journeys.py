"""The journeys data set: irritant rates per authority, service and month, from the journeys
app's analytics copy of the journal (`journeys.store`) and its irritant definitions
(`journeys.engine`). Groups of fewer than k requests are suppressed."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
from django.utils import timezone

from guichet.authorities.models import Authority
from guichet.catalogue.models import Service
from guichet.journeys import store
from guichet.journeys.engine import case_figures, summary
from guichet.opendata.datasets import Build, Stats, service_table
from guichet.opendata.schemas import JOURNEY_RATES, JOURNEYS, polars_schema

_SEPARATOR = "\x1f"


def build(authority_ids: list[int] | None, k: int, *, refresh: bool = True) -> Build:
    stats = Stats()
    return Build(kind="journeys", batches=_batches(authority_ids, k, stats, refresh), stats=stats)


def _batches(authority_ids, k, stats, refresh) -> Iterator[pl.DataFrame]:
    log = store.journal_log(refresh_first=refresh)
    if not log.events.height:
        return
    figures = case_figures(log, as_of=timezone.now())
    authorities = Authority.objects.all()
    if authority_ids is not None:
        authorities = authorities.filter(pk__in=authority_ids)
    names = dict(authorities.values_list("slug", "name"))
    sirens = {slug: siren or None for slug, siren in authorities.values_list("slug", "siren")}
    publishable = set(Service.objects.filter(open_data=True).values_list("slug", flat=True))
    figures = figures.filter(
        pl.col("authority").is_in(list(names)) & pl.col("service").is_in(list(publishable))
        & pl.col("received_at").is_not_null()
    )  # fmt: skip
    if not figures.height:
        return
    month = pl.col("received_at").dt.convert_time_zone("Europe/Paris").dt.strftime("%Y-%m")
    figures = figures.with_columns(
        pl.concat_str("authority", pl.lit(_SEPARATOR), "service", pl.lit(_SEPARATOR), month)
        .alias("service")
    )  # fmt: skip
    groups = summary(figures, is_guichet=True, by="service")
    parts = groups["service"].str.split_exact(_SEPARATOR, 2)
    groups = groups.with_columns(
        parts.struct.field("field_0").alias("authority_slug"),
        parts.struct.field("field_1").alias("service_slug"),
        parts.struct.field("field_2").alias("month"),
    )
    rare = groups["cases"] < k
    stats.total = figures.height
    stats.suppressed = int(groups.filter(rare)["cases"].sum())
    groups = groups.filter(~rare).sort("authority_slug", "service_slug", "month")
    if not groups.height:
        return
    months = groups["month"]
    stats.see_period(
        pl.Series([f"{months.min()}-01"]).str.to_date()[0],
        pl.Series([f"{months.max()}-01"]).str.to_date().dt.month_end()[0],
    )
    by_slug = {code: row for code, *row in service_table().values()}
    yield groups.select(
        pl.col("authority_slug").replace_strict(names, default=None, return_dtype=pl.String)
        .alias("agency_responsible"),
        pl.col("authority_slug").replace_strict(sirens, default=None, return_dtype=pl.String)
        .alias("agency_siren"),
        pl.col("service_slug").alias("service_code"),
        pl.col("service_slug")
        .replace_strict({s: r[0] for s, r in by_slug.items()}, default=None, return_dtype=pl.String)
        .alias("service_name"),
        pl.col("service_slug")
        .replace_strict({s: r[1] for s, r in by_slug.items()}, default=None, return_dtype=pl.String)
        .alias("service_category"),
        "month",
        pl.col("cases").cast(pl.Int64),
        pl.col("lead_time_median_days").round(2),
        *(pl.col(f"{name}_rate").round(4) for name in JOURNEY_RATES),
    ).select([f.name for f in JOURNEYS]).cast(polars_schema(JOURNEYS))  # fmt: skip
