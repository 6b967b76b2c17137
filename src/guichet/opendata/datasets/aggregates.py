"""Aggregated data sets: services and delays (per service, month and commune) and
satisfaction (per service and month). A group with fewer than k requests (or answers) is
suppressed and counted; no free text (survey comments) is ever read."""

from __future__ import annotations

import json
from collections.abc import Iterator

import polars as pl

from guichet.opendata.datasets import (
    CHUNK,
    Build,
    Stats,
    authority_table,
    commune_table,
    lookup,
    month_key,
    published_requests,
    service_table,
    stream_frames,
)
from guichet.opendata.schemas import SATISFACTION, SERVICES_DELAYS, polars_schema
from guichet.opendata.writers import commune_geometry
from guichet.satisfaction.models import Answer
from guichet.territory.models import Commune

_UTC = pl.Datetime("us", "UTC")
DAY = 86_400.0


def _period(stats: Stats, months: pl.Series) -> None:
    if months.len():
        first, last = months.min(), months.max()
        stats.see_period(
            pl.Series([f"{first}-01"]).str.to_date()[0],
            pl.Series([f"{last}-01"]).str.to_date().dt.month_end()[0],
        )


def build_services_delays(authority_ids: list[int] | None, k: int, *, chunk: int = CHUNK):
    stats = Stats()
    boundaries: dict[str, str] = {}
    return Build(
        kind="services-delays",
        batches=_services_delays(authority_ids, k, chunk, stats, boundaries),
        stats=stats,
        geometry=commune_geometry(boundaries),
    )


def _services_delays(authority_ids, k, chunk, stats, boundaries) -> Iterator[pl.DataFrame]:
    schema = {
        "authority_id": pl.Int64, "service_id": pl.Int64, "commune_id": pl.Int64,
        "received_at": _UTC, "resolved_at": _UTC, "due_at": _UTC,
    }  # fmt: skip
    # Per chunk, only the small per-request figures are kept (a few numbers a request).
    parts = [
        frame.select(
            "authority_id",
            "service_id",
            "commune_id",
            month_key("received_at").alias("month"),
            ((pl.col("resolved_at") - pl.col("received_at")).dt.total_seconds() / DAY)
            .clip(lower_bound=0)
            .alias("days"),
            pl.when(pl.col("due_at").is_not_null() & pl.col("resolved_at").is_not_null())
            .then(pl.col("resolved_at") <= pl.col("due_at"))
            .alias("on_time"),
        )  # fmt: skip
        for frame in stream_frames(published_requests(authority_ids).order_by(), schema, chunk)
    ]
    if not parts:
        return
    figures = pl.concat(parts)
    groups = figures.group_by("authority_id", "service_id", "commune_id", "month").agg(
        pl.len().alias("requests_received"),
        pl.col("days").is_not_null().sum().alias("requests_resolved"),
        pl.col("on_time").sum().alias("resolved_on_time"),
        pl.col("on_time").is_not_null().sum().alias("judged"),
        pl.col("days").median().alias("median_days"),
        pl.col("days").quantile(0.9, "linear").alias("p90_days"),
    )
    rare = groups["requests_received"] < k
    stats.total = figures.height
    stats.suppressed = int(groups.filter(rare)["requests_received"].sum())
    groups = groups.filter(~rare).sort("authority_id", "service_id", "month", "commune_id")
    services, authorities = service_table(), authority_table()
    communes = commune_table(groups["commune_id"].drop_nulls().unique().to_list())
    stats.communes = {code for code, _ in communes.values()}
    for code, boundary in Commune.objects.filter(
        pk__in=list(communes), boundary__isnull=False
    ).values_list("code", "boundary"):
        boundaries.setdefault(code, json.dumps(boundary, separators=(",", ":")))
    _period(stats, groups["month"])
    names = [f.name for f in SERVICES_DELAYS]
    for start in range(0, groups.height, chunk):
        part = groups.slice(start, chunk)
        yield part.select(
            lookup("authority_id", authorities, 0, pl.String).alias("agency_responsible"),
            lookup("authority_id", authorities, 1, pl.String).alias("agency_siren"),
            lookup("service_id", services, 0, pl.String).alias("service_code"),
            lookup("service_id", services, 1, pl.String).alias("service_name"),
            lookup("service_id", services, 2, pl.String).alias("service_category"),
            lookup("service_id", services, 3, pl.Int64).alias("promise_working_days"),
            "month",
            lookup("commune_id", communes, 0, pl.String).alias("commune_insee"),
            lookup("commune_id", communes, 1, pl.String).alias("epci_siren"),
            "requests_received", "requests_resolved",
            pl.when(pl.col("judged") > 0).then(pl.col("resolved_on_time")).alias(
                "resolved_on_time"
            ),
            pl.when(pl.col("judged") > 0)
            .then(pl.col("resolved_on_time") / pl.col("judged")).round(4).alias("on_time_rate"),
            pl.col("median_days").round(2), pl.col("p90_days").round(2),
        ).select(names).cast(polars_schema(SERVICES_DELAYS))  # fmt: skip


def build_satisfaction(authority_ids: list[int] | None, k: int, *, chunk: int = CHUNK):
    stats = Stats()
    return Build(
        kind="satisfaction", batches=_satisfaction(authority_ids, k, chunk, stats), stats=stats
    )


def _satisfaction(authority_ids, k, chunk, stats) -> Iterator[pl.DataFrame]:
    answers = Answer.objects.filter(
        survey__request__is_test=False, service__open_data=True
    ).order_by()
    if authority_ids is not None:
        answers = answers.filter(authority_id__in=authority_ids)
    # only the numbers: the comment and the contact consent are never read
    schema = {
        "authority_id": pl.Int64, "service_id": pl.Int64, "answered_at": _UTC,
        "resolved": pl.Boolean, "score": pl.Int64, "reopened": pl.Boolean,
    }  # fmt: skip
    parts = [
        frame.select(
            "authority_id",
            "service_id",
            month_key("answered_at").alias("month"),
            "resolved",
            "score",
            "reopened",
        )  # fmt: skip
        for frame in stream_frames(answers, schema, chunk)
    ]
    if not parts:
        return
    figures = pl.concat(parts)
    groups = figures.group_by("authority_id", "service_id", "month").agg(
        pl.len().alias("answers"),
        pl.col("resolved").mean().round(4).alias("resolved_rate"),
        pl.col("score").mean().round(2).alias("mean_score"),
        pl.col("reopened").sum().cast(pl.Int64).alias("reopened"),
    )
    rare = groups["answers"] < k
    stats.total = figures.height
    stats.suppressed = int(groups.filter(rare)["answers"].sum())
    groups = groups.filter(~rare).sort("authority_id", "service_id", "month")
    _period(stats, groups["month"])
    services, authorities = service_table(), authority_table()
    names = [f.name for f in SATISFACTION]
    if groups.height:
        yield groups.select(
            lookup("authority_id", authorities, 0, pl.String).alias("agency_responsible"),
            lookup("authority_id", authorities, 1, pl.String).alias("agency_siren"),
            lookup("service_id", services, 0, pl.String).alias("service_code"),
            lookup("service_id", services, 1, pl.String).alias("service_name"),
            lookup("service_id", services, 2, pl.String).alias("service_category"),
            "month", pl.col("answers").cast(pl.Int64), "resolved_rate", "mean_score", "reopened",
        ).select(names).cast(polars_schema(SATISFACTION))  # fmt: skip
