"""The dashboard's sections: each one a chart and the table of its numbers, from one scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl

from guichet.backoffice import charts
from guichet.backoffice.analytics import DIMENSION_LABELS, Names, Scope, Table, fmt, percent
from guichet.catalogue.models import Service
from guichet.journeys.engine import IRRITANTS, case_figures, summary
from guichet.journeys.engine.log import WAITING_USER

DAY = 86_400.0
IRRITANT_LABELS = {
    "repeat_contact": "Relances répétées (2 contacts ou plus)",
    "contact_burst": "Rafale de relances (3 en 14 jours)",
    "first_contact_resolution": "Résolues au premier contact",
    "long_silence": "Longs silences (plus de 10 jours)",
    "deadline_breached": "Délai promis dépassé",
    "at_risk": "Ouvertes à risque (échéance sous 2 jours)",
    "rework": "Retours en arrière",
    "ping_pong": "Ping-pong entre équipes ou collectivités",
    "channel_switch": "Changement de canal",
    "reopened": "Réouvertes",
    "abandoned": "Abandonnées (attente sans réponse)",
    "dissatisfied": "Insatisfaits après clôture",
}
OVER_TIME = ("repeat_contact", "long_silence", "deadline_breached", "dissatisfied")


@dataclass(frozen=True)
class Section:
    chart: charts.Chart | None
    table: Table


@dataclass(frozen=True)
class Dashboard:
    overall: dict
    backlog: Section
    volumes: Section
    delays: Section
    irritants: Section
    segments: Section
    over_time: Section

    @property
    def tables(self) -> dict[str, Table]:
        sections = (self.backlog, self.volumes, self.delays, self.irritants, self.segments,
                    self.over_time)  # fmt: skip
        return {s.table.key: s.table for s in sections}


def build(
    scope: Scope, names: Names, *, by: str, period: str, irritant: str, now: datetime
) -> Dashboard:
    figures = case_figures(scope.log, as_of=now)
    is_guichet = scope.log.is_guichet
    overall = summary(figures, is_guichet=is_guichet).to_dicts()[0] if figures.height else {}
    return Dashboard(
        overall=overall,
        backlog=backlog(figures),
        volumes=weekly_volumes(figures, names),
        delays=delays(figures, names),
        irritants=irritant_rates(overall),
        segments=by_segment(figures, names, is_guichet=is_guichet, by=by, irritant=irritant),
        over_time=over_time(figures, is_guichet=is_guichet, period=period),
    )


def backlog(figures: pl.DataFrame) -> Section:
    """Open cases, those waiting for the user, overdue and at risk (at the page's time)."""
    open_cases = figures.filter(pl.col("is_open"))
    counts = [
        ("Demandes ouvertes", open_cases.height),
        ("En attente de l'usager", open_cases.filter(pl.col("last_state") == WAITING_USER).height),
        ("En retard", open_cases.filter(pl.col("deadline_breached").fill_null(False)).height),
        ("À risque (échéance sous 2 jours)", open_cases.filter(pl.col("at_risk").fill_null(False)).height),
    ]  # fmt: skip
    table = Table(
        "encours", "Demandes en cours", ["Indicateur", "Demandes"], [list(c) for c in counts]
    )
    chart = charts.bars(
        "Demandes en cours", [c[0] for c in counts], {"Demandes": [c[1] for c in counts]},
        description="Nombre de demandes ouvertes, en attente de l'usager, en retard et à risque.",
        horizontal=True, integer=True,
    )  # fmt: skip
    return Section(chart, table)


def weekly_volumes(figures: pl.DataFrame, names: Names) -> Section:
    """Requests received per week (weeks start on Monday), by channel of filing."""
    weekly = (
        figures.with_columns(
            week=pl.col("received_at").dt.truncate("1w").dt.date(),
            channel=pl.col("channel").fill_null("(non renseigné)"),
        )
        .group_by("week", "channel")
        .len()
        .sort("week")
    )
    weeks = sorted(set(weekly["week"].to_list()))
    channels = sorted(set(weekly["channel"].to_list()))
    cells = {(r["week"], r["channel"]): r["len"] for r in weekly.to_dicts()}
    labels = [names.of("channel", c) for c in channels]
    rows = [
        [w.isoformat(), *(cells.get((w, c), 0) for c in channels),
         sum(cells.get((w, c), 0) for c in channels)]
        for w in weeks
    ]  # fmt: skip
    table = Table("volumes", "Demandes reçues par semaine et par canal",
                  ["Semaine du", *labels, "Total"], rows)  # fmt: skip
    chart = charts.bars(
        "Demandes reçues par semaine, par canal",
        [w.strftime("%d/%m/%y") for w in weeks],
        {label: [cells.get((w, c), 0) for w in weeks] for label, c in zip(labels, channels, strict=True)},
        description="Barres empilées : nombre de demandes reçues chaque semaine, par canal de dépôt.",
        stacked=True, integer=True,
    )  # fmt: skip
    return Section(chart, table)


def delays(figures: pl.DataFrame, names: Names) -> Section:
    """Per service: median and p90 lead time of ended cases against the promise, % on time."""
    slas = dict(Service.objects.filter(sla_working_days__isnull=False)
                .values_list("slug", "sla_working_days"))  # fmt: skip
    per_service = (
        figures.with_columns(service=pl.col("service").fill_null("(non renseigné)"))
        .group_by("service")
        .agg(
            pl.len().alias("cases"),
            (~pl.col("is_open")).sum().alias("ended"),
            (pl.col("lead_time_seconds").filter(~pl.col("is_open")).median() / DAY).alias("median"),
            (
                pl.col("lead_time_seconds").filter(~pl.col("is_open")).quantile(0.9, "linear") / DAY
            ).alias("p90"),
            pl.col("due_at").is_not_null().sum().alias("promised"),
            (pl.col("due_at").is_not_null() & ~pl.col("deadline_breached").fill_null(False))
            .sum()
            .alias("on_time"),
        )
        .sort("cases", descending=True)
    )
    rows, labels, medians, p90s, promises = [], [], [], [], []
    for r in per_service.to_dicts():
        name = names.of("service", r["service"])
        on_time = r["on_time"] / r["promised"] if r["promised"] else None
        sla = slas.get(r["service"])
        rows.append([name, r["cases"], r["ended"], fmt(r["median"]), fmt(r["p90"]),
                     sla if sla is not None else "", percent(on_time) if r["promised"] else ""])  # fmt: skip
        labels.append(name)
        medians.append(None if r["median"] is None else fmt(r["median"]))
        p90s.append(None if r["p90"] is None else fmt(r["p90"]))
        promises.append(sla)
    table = Table(
        "delais", "Délais par service au regard du délai promis",
        ["Service", "Demandes", "Terminées", "Durée médiane (jours)", "Durée p90 (jours)",
         "Délai promis (jours ouvrés)", "Dans les délais"],
        rows,
    )  # fmt: skip
    chart = charts.bars(
        "Durée de traitement par service et délai promis", labels,
        {"Médiane (jours)": medians, "90e centile (jours)": p90s,
         "Délai promis (jours ouvrés)": promises},
        description="Pour chaque service, durée médiane et 90e centile des demandes terminées, "
        "comparées au délai promis.",
        horizontal=True, unit=" j",
    )  # fmt: skip
    return Section(chart, table)


def irritant_rates(overall: dict) -> Section:
    rows, labels, values = [], [], []
    for name in IRRITANTS:
        rate = overall.get(f"{name}_rate")
        rows.append([IRRITANT_LABELS[name], percent(rate)])
        labels.append(IRRITANT_LABELS[name])
        values.append(None if rate is None else round(100 * rate, 1))
    table = Table("irritants", "Taux d'irritants (part des demandes)", ["Irritant", "Taux"], rows)
    chart = charts.bars(
        "Taux d'irritants", labels, {"Part des demandes (%)": values},
        description="Part des demandes touchées par chaque irritant ; un taux absent est "
        "indisponible (la donnée manque).",
        horizontal=True, unit=" %",
    )  # fmt: skip
    return Section(chart, table)


def _rate_cells(row: dict) -> list:
    return [percent(row.get(f"{name}_rate")) for name in IRRITANTS]


def _common_columns() -> list[str]:
    return ["Demandes", "Ouvertes", "Durée médiane (jours)", "Réponses satisfaction",
            "Note moyenne (/5)", *(IRRITANT_LABELS[n] for n in IRRITANTS)]  # fmt: skip


def _common_cells(row: dict) -> list:
    return [row["cases"], row["open"], fmt(row["lead_time_median_days"]), row["answers"],
            fmt(row["satisfaction_score_mean"]), *_rate_cells(row)]  # fmt: skip


def by_segment(
    figures: pl.DataFrame, names: Names, *, is_guichet: bool, by: str, irritant: str
) -> Section:
    grouped = (
        summary(figures, is_guichet=is_guichet, by=by, period="month") if figures.height else None
    )
    rows, labels, values = [], [], []
    for row in grouped.to_dicts() if grouped is not None else []:
        label = names.of(by, row[by])
        rows.append([label, *_common_cells(row)])
        labels.append(label)
        rate = row.get(f"{irritant}_rate")
        values.append(None if rate is None else round(100 * rate, 1))
    dimension = DIMENSION_LABELS[by]
    table = Table(
        "segments",
        f"Indicateurs par {dimension}",
        [dimension.capitalize(), *_common_columns()],
        rows,
    )
    chart = charts.bars(
        f"{IRRITANT_LABELS[irritant]} par {dimension}", labels, {"Part des demandes (%)": values},
        description=f"Taux de l'irritant « {IRRITANT_LABELS[irritant]} » pour chaque {dimension}.",
        horizontal=True, unit=" %",
    )  # fmt: skip
    return Section(chart, table)


def over_time(figures: pl.DataFrame, *, is_guichet: bool, period: str) -> Section:
    grouped = (
        summary(figures, is_guichet=is_guichet, by="period", period=period)
        if figures.height
        else None
    )
    rows, labels = [], []
    series: dict[str, list] = {IRRITANT_LABELS[n]: [] for n in OVER_TIME}
    for row in grouped.to_dicts() if grouped is not None else []:
        label = row["period"].astimezone(UTC).date().isoformat()
        rows.append([label, *_common_cells(row)])
        labels.append(label)
        for name in OVER_TIME:
            rate = row.get(f"{name}_rate")
            series[IRRITANT_LABELS[name]].append(None if rate is None else round(100 * rate, 1))
    table = Table("evolution", "Indicateurs dans le temps (par période de dépôt)",
                  ["Période", *_common_columns()], rows)  # fmt: skip
    chart = charts.lines(
        "Évolution des principaux irritants", labels, series,
        description="Taux de relances répétées, de longs silences, de délais dépassés et "
        "d'insatisfaction, par période de dépôt.",
        unit=" %",
    )  # fmt: skip
    return Section(chart, table)
