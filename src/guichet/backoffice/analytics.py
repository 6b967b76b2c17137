"""The dashboards' reads: the journal's event log scoped to the agent, URL filters, tables.

Every figure comes from `journeys.store.journal_log()` (the Parquet copy of the journal),
restricted to the authorities where the agent holds `view_dashboards`: a manager of A never
sees a case of B, whatever the URL asks for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

import polars as pl
from django.http import HttpRequest, HttpResponse, QueryDict

from guichet.authorities.models import Authority, Team
from guichet.backoffice.labels import channel_label
from guichet.backoffice.selectors import authorities_where
from guichet.catalogue.models import Service
from guichet.core import csvexport
from guichet.core.calendar import PARIS
from guichet.journeys import store
from guichet.journeys.engine import EventLog, Filters, filter_log
from guichet.people.models import Category
from guichet.territory.models import Commune

SEGMENT_FIELDS = ("service", "channel", "category", "authority", "commune", "team")
DIMENSION_LABELS = {
    "category": "catégorie d'usager",
    "channel": "canal",
    "service": "service",
    "team": "équipe",
    "authority": "collectivité",
    "commune": "commune",
    "period": "période",
}
PERIOD_LABELS = {"week": "semaine", "month": "mois", "quarter": "trimestre", "year": "année"}
NO_MATCH = "\u2205"  # a slug no authority has: an authority filter outside the agent's scope


@dataclass(frozen=True)
class Table:
    """A table shown under a chart and downloadable as CSV (`?format=csv&table=<key>`)."""

    key: str
    caption: str
    columns: list[str]
    rows: list[list]


@dataclass
class Scope:
    """What the agent may see, what the URL asked for, and the resulting log."""

    authorities: list[Authority]
    filters: Filters
    log: EventLog
    query: QueryDict
    chosen: dict[str, list[str]] = field(default_factory=dict)

    @property
    def slugs(self) -> list[str]:
        return [a.slug for a in self.authorities]

    def querystring(self, **changes) -> str:
        """The current URL's query string with `changes` (None removes a key)."""
        query = self.query.copy()
        for key, value in changes.items():
            query.pop(key, None)
            if value is not None:
                query[key] = value
        return query.urlencode()


def dashboard_authorities(user) -> list[Authority]:
    return authorities_where(user, "view_dashboards")


def parse_day(text: str | None) -> datetime | None:
    """A `YYYY-MM-DD` from the URL as the start of that day in Paris (None if unreadable)."""
    try:
        return datetime.combine(date.fromisoformat((text or "").strip()), time(), tzinfo=PARIS)
    except ValueError:
        return None


def filters_from(query: QueryDict, allowed_slugs: list[str]) -> tuple[Filters, dict]:
    """The engine's Filters from the URL; the authority is always within `allowed_slugs`."""
    chosen = {name: [v for v in query.getlist(name) if v] for name in SEGMENT_FIELDS}
    wanted = chosen["authority"]
    authority = [s for s in wanted if s in allowed_slugs] if wanted else list(allowed_slugs)
    values = {name: tuple(chosen[name]) for name in SEGMENT_FIELDS if name != "authority"}
    filters = Filters(
        **values,
        authority=tuple(authority or [NO_MATCH]),
        since=parse_day(query.get("du")),
        until=parse_day(query.get("au")),
    )
    return filters, chosen


def scoped(user, query: QueryDict, authorities: list[Authority]) -> Scope:
    """The journal log cut to the agent's authorities and the URL's filters."""
    slugs = [a.slug for a in authorities]
    filters, chosen = filters_from(query, slugs)
    log = filter_log(store.journal_log(), filters)
    return Scope(authorities=authorities, filters=filters, log=log, query=query, chosen=chosen)


def scope_of_authorities(authorities: list[Authority]) -> EventLog:
    """The whole log of `authorities`, unfiltered (the options of the filter form)."""
    slugs = tuple(a.slug for a in authorities) or (NO_MATCH,)
    return filter_log(store.journal_log(refresh_first=False), Filters(authority=slugs))


@dataclass(frozen=True)
class Names:
    """French names for the codes the log carries (slugs, INSEE codes, categories)."""

    services: dict[str, str]
    authorities: dict[str, str]
    communes: dict[str, str]
    teams: dict[str, str]

    def of(self, dimension: str, value) -> str:
        if value is None or value == "(non renseigné)":
            return "non renseigné"
        if dimension == "period":
            return value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else str(value)
        if dimension == "channel":
            return channel_label(value)
        if dimension == "category":
            return dict(Category.choices).get(value, value)
        table = {
            "service": self.services,
            "authority": self.authorities,
            "commune": self.communes,
            "team": self.teams,
        }.get(dimension, {})
        return table.get(value, value)


def names_for(cases: pl.DataFrame, authorities: list[Authority]) -> Names:
    def present(column: str) -> list[str]:
        return [v for v in cases[column].unique().to_list() if v is not None]

    return Names(
        services=dict(Service.objects.filter(slug__in=present("service")).values_list("slug", "name")),
        authorities={a.slug: a.name for a in authorities},
        communes=dict(
            Commune.objects.filter(code__in=present("commune"), kind=Commune.Kind.CURRENT)
            .values_list("code", "name")
        ),
        teams=dict(
            Team.objects.filter(slug__in=present("team"), authority__in=authorities)
            .values_list("slug", "name")
        ),
    )  # fmt: skip


def filter_options(log: EventLog, names: Names) -> list[dict]:
    """One <select> per segment with the values present in the agent's log."""
    fields = []
    for name in SEGMENT_FIELDS:
        values = sorted(v for v in log.cases[name].unique().to_list() if v is not None)
        fields.append(
            {
                "name": name,
                "label": DIMENSION_LABELS[name].capitalize(),
                "options": [(v, names.of(name, v)) for v in values],
            }
        )
    return fields


def csv_response(request: HttpRequest, table: Table) -> HttpResponse:
    """`table` as a CSV download, standard or for French Excel (`guichet.core.csvexport`)."""
    return csvexport.csv_response(request, table.key, table.columns, table.rows)


def fmt(value, digits: int = 1) -> str | int:
    """A number as the tables show it (and the CSV gives it): rounded, blank when null."""
    if value is None:
        return ""
    if isinstance(value, int):
        return value
    return round(float(value), digits)


def percent(rate) -> str:
    return "indisponible" if rate is None else f"{round(100 * float(rate), 1)} %".replace(".", ",")
