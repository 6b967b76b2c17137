"""A contract's computed indicators as the pages and the reports show them: tables (each
downloadable as CSV) and charts (pygal, `backoffice.charts`), from `contracts.indicators`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from guichet.backoffice import charts
from guichet.backoffice.analytics import Table
from guichet.contracts.indicators import DEFINITIONS, Figures, Result  # noqa: F401

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip


def month_label(month: date) -> str:
    return f"{MONTHS[month.month - 1]} {month.year}"


def short_month(month: date) -> str:
    return f"{MONTHS[month.month - 1][:4].rstrip('.')}. {month.year % 100:02d}"


def name_of(result: Result) -> str:
    service = result.indicator.service
    return f"{result.definition.label} — {service.name}" if service else result.definition.label


def shown(value, unit: str) -> str:
    if value is None:
        return "sans données"
    text = f"{value:g}".replace(".", ",")
    return f"{text}{unit}" if unit != " j" else f"{text} j ouvrés"


def target_text(result: Result) -> str:
    d, i = result.definition, result.indicator
    sign = "≥" if d.higher_is_better else "≤"
    tolerance = f" (tolérance {i.tolerance:g})".replace(".", ",") if i.tolerance else ""
    return f"{sign} {shown(float(i.target), d.unit)}{tolerance}"


@dataclass
class Page:
    figures: Figures
    summary: Table
    by_month: Table
    by_commune: Table
    by_month_commune: Table
    charts: list[tuple[Result, charts.Chart]] = field(default_factory=list)

    @property
    def tables(self) -> dict[str, Table]:
        return {
            t.key: t for t in (self.summary, self.by_month, self.by_commune, self.by_month_commune)
        }


def build(figures: Figures, *, with_charts: bool = True) -> Page:
    summary_rows, month_rows, commune_rows, both_rows = [], [], [], []
    for result in figures.results:
        name = name_of(result)
        unit = result.definition.unit.strip()
        summary_rows.append(
            [name, target_text(result), result.overall.value, unit, result.overall.population,
             len(result.breaches), result.indicator.penalty, result.penalty]
        )  # fmt: skip
        for month, figure in result.by_month.items():
            month_rows.append(
                [name, month.isoformat()[:7], figure.value, unit, figure.population,
                 float(result.indicator.target), "oui" if figure.breach else "non"]
            )  # fmt: skip
        for commune_id, commune in figures.communes.items():
            figure = result.by_commune.get(commune_id)
            if figure is not None:
                commune_rows.append([name, commune, figure.value, unit, figure.population])
        for (month, commune_id), figure in sorted(result.by_month_commune.items()):
            both_rows.append(
                [name, month.isoformat()[:7], figures.communes.get(commune_id, ""), figure.value,
                 unit, figure.population]
            )  # fmt: skip
    page = Page(
        figures=figures,
        summary=Table(
            "indicateurs", "Indicateurs de la période",
            ["Indicateur", "Objectif", "Valeur", "Unité", "Demandes", "Mois en manquement",
             "Pénalité par manquement (€)", "Pénalités (€)"],
            summary_rows,
        ),
        by_month=Table(
            "par-mois", "Indicateurs par mois",
            ["Indicateur", "Mois", "Valeur", "Unité", "Demandes", "Objectif", "Manquement"],
            month_rows,
        ),
        by_commune=Table(
            "par-commune", "Indicateurs par commune",
            ["Indicateur", "Commune", "Valeur", "Unité", "Demandes"], commune_rows,
        ),
        by_month_commune=Table(
            "par-mois-et-commune", "Indicateurs par mois et par commune",
            ["Indicateur", "Mois", "Commune", "Valeur", "Unité", "Demandes"], both_rows,
        ),
    )  # fmt: skip
    if with_charts:
        labels = [short_month(m) for m in figures.months]
        for result in figures.results:
            values = [result.by_month[m].value for m in figures.months]
            page.charts.append(
                (
                    result,
                    charts.lines(
                        name_of(result), labels,
                        {"Valeur": values, "Objectif": [float(result.indicator.target)] * len(labels)},
                        description=f"{name_of(result)} par mois, et l'objectif du contrat.",
                        unit=result.definition.unit.strip() if result.definition.unit != " j" else " j",
                    ),
                )
            )  # fmt: skip
    return page


def trend(result: Result) -> str:
    """The first month with data against the last, in French: « en amélioration (de 8 à 1
    j ouvrés) », « en dégradation … », « stable », or « une seule mesure »."""
    values = [f.value for f in result.by_month.values() if f.value is not None]
    if len(values) < 2:
        return "une seule mesure" if values else "sans données"
    first, last = values[0], values[-1]
    unit = result.definition.unit
    span = f"(de {shown(first, unit)} à {shown(last, unit)})"
    if first == last:
        return f"stable {span}"
    better = (last > first) == result.definition.higher_is_better
    return f"en {'amélioration' if better else 'dégradation'} {span}"


def commune_names(ids) -> dict[int, str]:
    from guichet.contracts.indicators.facts import commune_names as names

    return names(ids)
