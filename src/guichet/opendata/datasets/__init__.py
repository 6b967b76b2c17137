"""The data set builders: for one scope (an authority, or several for the consolidated set),
a `Build` whose `batches` yield Polars frames in the Table Schema's column order.

Every builder reads only what it publishes (never a person, contact, free text or
attachment column), leaves out test requests and the requests of services marked
non-publishable (`Service.open_data`), and applies `anonymise` before a row leaves it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

import polars as pl
import psycopg
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

from guichet.authorities.models import Authority
from guichet.cases.models import Request
from guichet.catalogue.models import Service
from guichet.territory.models import Commune, Intercommunality, Membership

CHUNK = 10_000  # rows per batch (fewer on PostgreSQL, ~64 bytes a row): peak memory


@dataclass
class Stats:
    """Filled while the batches are consumed (read them once the iteration is over)."""

    suppressed: int = 0
    total: int = 0
    period_start: date | None = None
    period_end: date | None = None
    communes: set[str] = field(default_factory=set)
    location_levels: dict[str, int] = field(default_factory=dict)

    def see_period(self, first: date | None, last: date | None) -> None:
        if first is not None and (self.period_start is None or first < self.period_start):
            self.period_start = first
        if last is not None and (self.period_end is None or last > self.period_end):
            self.period_end = last


@dataclass
class Build:
    kind: str
    batches: Iterator[pl.DataFrame]
    stats: Stats
    geometry: Callable[[pl.DataFrame], pl.Series] | None = None


def stream_frames(
    queryset: QuerySet, columns: dict[str, pl.DataType], chunk: int = CHUNK
) -> Iterator[pl.DataFrame]:
    """The `columns` (field names, with their Polars types) of `queryset`, as frames of about
    `chunk` rows, never the whole result in memory.

    On PostgreSQL the rows come through `COPY (query) TO STDOUT` (CSV, timestamps as epoch
    microseconds) parsed by Polars: no Python object per row, which is most of the cost on a
    million rows. Elsewhere, a server-side iterator. Only columns without line breaks (ids,
    codes, timestamps, references) may be read this way: never free text.
    """
    names = list(columns)
    rows = queryset.values_list(*names)
    if connection.vendor != "postgresql":
        iterator = rows.iterator(chunk_size=chunk)
        while batch := list(islice(iterator, chunk)):
            yield pl.DataFrame(batch, schema=columns, orient="row")
        return
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # `authority_id__in=[]`: nothing to read
        return
    outer = ", ".join(
        f"(extract(epoch from c{i}) * 1000000)::bigint"
        if dtype == pl.Datetime
        else f"c{i}::int"
        if dtype == pl.Boolean
        else f"c{i}"
        for i, dtype in enumerate(columns.values())
    )
    aliases = ", ".join(f"c{i}" for i in range(len(names)))
    read_types = {
        name: pl.Int64() if dtype in (pl.Datetime, pl.Boolean) else dtype
        for name, dtype in columns.items()
    }
    with connection.cursor() as cursor:
        # the connection binds parameters on the server; COPY takes none: bind them here
        query = psycopg.ClientCursor(cursor.connection).mogrify(sql, params)
        # Django's own compiled query, its parameters bound by the driver: no outside text
        copy_sql = f"COPY (SELECT {outer} FROM ({query}) AS q ({aliases})) TO STDOUT (FORMAT csv)"  # noqa: S608, E501
        pending = bytearray()
        target = chunk * 64  # about `chunk` rows of these narrow columns
        with cursor.cursor.copy(copy_sql) as copy:
            for block in copy:
                pending += block
                if len(pending) >= target:
                    cut = pending.rindex(b"\n") + 1
                    yield _parse(bytes(pending[:cut]), names, read_types, columns)
                    del pending[:cut]
        if pending:
            yield _parse(bytes(pending), names, read_types, columns)


def _parse(data: bytes, names, read_types, columns) -> pl.DataFrame:
    frame = pl.read_csv(data, has_header=False, new_columns=names, schema=read_types)
    return frame.with_columns(
        pl.col(name).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
        if dtype == pl.Datetime
        else pl.col(name).cast(pl.Boolean)
        for name, dtype in columns.items()
        if dtype in (pl.Datetime, pl.Boolean)
    )


def published_requests(authority_ids: list[int] | None) -> QuerySet[Request]:
    """The requests that may be published at all: no test request, no request of a service
    kept out of the open data; of these authorities (all when None)."""
    requests = Request.objects.filter(is_test=False, service__open_data=True)
    if authority_ids is not None:
        requests = requests.filter(authority_id__in=authority_ids)
    return requests


def service_table() -> dict[int, tuple[str, str, str, int | None]]:
    """service id → (code, name, category name, promised working days)."""
    return {
        pk: (slug, name, category, sla)
        for pk, slug, name, category, sla in Service.objects.values_list(
            "pk", "slug", "name", "category__name", "sla_working_days"
        )
    }


def authority_table() -> dict[int, tuple[str, str | None]]:
    """authority id → (name, SIREN or None)."""
    return {
        pk: (name, siren or None)
        for pk, name, siren in Authority.objects.values_list("pk", "name", "siren")
    }


def commune_table(commune_ids) -> dict[int, tuple[str, str | None]]:
    """commune id → (INSEE code, SIREN of its EPCI (not a Grand Paris EPT) or None)."""
    ids = [int(i) for i in commune_ids if i is not None]
    codes = dict(Commune.objects.filter(pk__in=ids).values_list("pk", "code"))
    epci: dict[int, str] = {}
    memberships = (
        Membership.objects.filter(commune_id__in=ids)
        .exclude(intercommunality__kind=Intercommunality.Kind.EPT)
        .values_list("commune_id", "intercommunality__siren")
    )
    for commune_id, siren in memberships:
        epci.setdefault(commune_id, siren)
    return {pk: (code, epci.get(pk)) for pk, code in codes.items()}


def month_key(column: str) -> pl.Expr:
    """'YYYY-MM' of a UTC timestamp column, in Europe/Paris."""
    return pl.col(column).dt.convert_time_zone("Europe/Paris").dt.strftime("%Y-%m")


def paris_day(column: str) -> pl.Expr:
    return pl.col(column).dt.convert_time_zone("Europe/Paris").dt.date()


def lookup(column: str, table: dict, index: int, dtype: pl.DataType) -> pl.Expr:
    """Column `column` (ids) replaced by item `index` of `table[id]`."""
    mapping = {key: value[index] for key, value in table.items()}
    return pl.col(column).replace_strict(mapping, default=None, return_dtype=dtype)


def build(kind: str, authority_ids: list[int] | None, k: int) -> Build:
    from guichet.opendata.datasets import aggregates, journeys, requests

    builders = {
        "requests": requests.build,
        "services-delays": aggregates.build_services_delays,
        "satisfaction": aggregates.build_satisfaction,
        "journeys": journeys.build,
    }
    return builders[kind](authority_ids, k)
