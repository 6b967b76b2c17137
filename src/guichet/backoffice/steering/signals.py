"""Emerging topics, comparisons per 1,000 inhabitants and silent demand (managers only).

Every figure reads the journal's analytics copy (journeys) or the stored topics, scoped to
the authorities where the agent holds `view_dashboards`; each table downloads as CSV.
"""

from __future__ import annotations

from datetime import date

from django.http import Http404
from django.utils import timezone

from guichet.backoffice import analytics, charts
from guichet.backoffice.analytics import Table, fmt
from guichet.backoffice.steering import places
from guichet.backoffice.steering.common import csv_or_page, period_from
from guichet.backoffice.views._common import agent_required, forbidden
from guichet.contracts.briefings import comparisons as comparing
from guichet.contracts.briefings import silent
from guichet.contracts.briefings.periods import previous
from guichet.journeys.engine import case_figures
from guichet.journeys.topics import selectors as topics

MANAGERS_ONLY = "Ces pages de pilotage sont réservées aux responsables et administrateurs."
TOP_COMMUNES = 5
SEGMENTS = {"category": "catégorie d'usager", "channel": "canal", "service": "service",
            "commune": "commune"}  # fmt: skip


def _managed(request):
    return analytics.dashboard_authorities(request.user)


@agent_required
def topic_list(request):
    authorities = _managed(request)
    if not authorities:
        return forbidden(request, MANAGERS_ONLY)
    ids = [a.pk for a in authorities]
    found = topics.topics_of(ids)
    rows = [[t.run.authority.name, t.rank, t.label, ", ".join(t.words), t.size,
             t.last_count, fmt(t.usual), fmt(t.z_score), "oui" if t.emerging else "non"]
            for t in found]  # fmt: skip
    table = Table("sujets", "Sujets des demandes, messages et commentaires",
                  ["Collectivité", "Rang", "Sujet", "Mots", "Textes", "Dernière semaine",
                   "Niveau habituel", "Écart (z)", "Émergent"], rows)  # fmt: skip
    context = {
        "title": "Sujets émergents", "nav": "dashboards", "topics": found,
        "runs": topics.latest_runs(ids), "table": table,
    }  # fmt: skip
    return csv_or_page(request, {table.key: table}, "backoffice/steering/topics.html", context)


@agent_required
def topic_detail(request, pk: int):
    authorities = _managed(request)
    if not authorities:
        return forbidden(request, MANAGERS_ONLY)
    topic = topics.topic_for([a.pk for a in authorities], pk)
    if topic is None:
        raise Http404("Sujet introuvable.")
    weeks = sorted(topic.weekly)
    weekly = Table("semaines", f"Textes par semaine — {topic.label}", ["Semaine (lundi)", "Textes"],
                   [[w, topic.weekly[w]] for w in weeks])  # fmt: skip
    names = places.commune_names(list(topic.by_commune))
    commune_rows = sorted(
        ([code, names.get(code, code), sum(v.values()),
          v.get(topic.last_week.isoformat(), 0) if topic.last_week else 0]
         for code, v in topic.by_commune.items()),
        key=lambda r: (-r[2], r[1]),
    )  # fmt: skip
    communes = Table("communes", f"Textes par commune — {topic.label}",
                     ["Code INSEE", "Commune", "Textes", "Dernière semaine"], commune_rows)  # fmt: skip
    chart = charts.lines(
        f"Textes par semaine : {topic.label}", weeks, {"Textes": [topic.weekly[w] for w in weeks]},
        description="Nombre de demandes, messages et commentaires rattachés à ce sujet, par "
        "semaine ; les valeurs sont dans le tableau sous le graphique.",
    )  # fmt: skip
    by_commune, commune_chart = _by_commune_over_time(topic, weeks, commune_rows)
    context = {
        "title": f"Sujet — {topic.label}", "nav": "dashboards", "topic": topic, "chart": chart,
        "weekly": weekly, "communes": communes, "commune_chart": commune_chart,
        "by_commune": by_commune,
    }  # fmt: skip
    tables = {weekly.key: weekly, communes.key: communes, by_commune.key: by_commune}
    return csv_or_page(request, tables, "backoffice/steering/topic.html", context)


def _by_commune_over_time(topic, weeks: list[str], commune_rows: list[list]):
    """The topic's weekly volume in its busiest communes (the others summed), as a chart
    and its data table."""
    shown = commune_rows[:TOP_COMMUNES]
    series = {name: [topic.by_commune[code].get(w, 0) for w in weeks]
              for code, name, *_ in shown}  # fmt: skip
    rest = [row[0] for row in commune_rows[TOP_COMMUNES:]]
    if rest:
        series["Autres communes"] = [sum(topic.by_commune[c].get(w, 0) for c in rest)
                                     for w in weeks]  # fmt: skip
    table = Table("communes-semaines", f"Textes par semaine et par commune — {topic.label}",
                  ["Semaine (lundi)", *series],
                  [[w, *(values[i] for values in series.values())]
                   for i, w in enumerate(weeks)])  # fmt: skip
    chart = charts.lines(
        f"Textes par semaine et par commune : {topic.label}", weeks, series,
        description="Nombre de textes rattachés à ce sujet, par semaine, dans les communes "
        "où il revient le plus ; les valeurs sont dans le tableau sous le graphique.",
    ) if series else None  # fmt: skip
    return table, chart


@agent_required
def comparisons(request):
    authorities = _managed(request)
    if not authorities:
        return forbidden(request, MANAGERS_ONLY)
    groups = places.intercommunalities_of(authorities)
    chosen = places.chosen_group(groups, request.GET.get("epci", ""))
    start, end, errors = period_from(request.GET)
    before = previous(start, end, "weekly") if (end - start).days == 7 else _same_length(start, end)
    rows, result_map, chart = [], None, None
    if chosen is not None:
        log = places.log_of(authorities)
        rows = comparing.compare(log.cases, places.places_of(chosen), period=(start, end),
                                 before=before)  # fmt: skip
        result_map = places.rate_map(rows)
        shown = [r for r in rows if r["rate"] is not None]
        chart = charts.bars(
            "Demandes pour 1 000 habitants", [r["name"] for r in shown],
            {"Période": [r["rate"] for r in shown],
             "Période précédente": [r["rate_before"] for r in shown]},
            description="Demandes reçues pour 1 000 habitants, par commune, sur la période et "
            "sur la période précédente de même durée ; les valeurs sont dans le tableau.",
            horizontal=True,
        )  # fmt: skip
    table = Table(
        "communes", "Demandes pour 1 000 habitants par commune",
        ["Code INSEE", "Commune", "Population", "Demandes", "Pour 1 000 habitants",
         "Demandes (période précédente)", "Pour 1 000 (période précédente)", "Évolution (%)"],
        [[r["code"], r["name"], fmt(r["population"]), r["requests"], fmt(r["rate"], 2),
          r["requests_before"], fmt(r["rate_before"], 2), fmt(r["change"])] for r in rows],
    )  # fmt: skip
    context = {
        "title": "Comparaisons entre communes", "nav": "dashboards", "groups": groups,
        "chosen": chosen, "start": start, "end": end, "before": before, "errors": errors,
        "table": table, "map": result_map, "chart": chart,
    }  # fmt: skip
    return csv_or_page(request, {table.key: table}, "backoffice/steering/comparisons.html", context)


def _same_length(start: date, end: date) -> tuple[date, date]:
    return start - (end - start), start


@agent_required
def silent_demand(request):
    authorities = _managed(request)
    if not authorities:
        return forbidden(request, MANAGERS_ONLY)
    start, end, errors = period_from(request.GET, default_days=365)
    segment = request.GET.get("segment", "category")
    if segment not in SEGMENTS:
        segment = "category"
    log = places.log_of(authorities)
    served = places.places_served(log.cases)
    found = silent.under_use(log.cases, served, start=start, end=end)
    services = places.service_names([r["service"] for r in found])
    under = Table(
        "sous-usage", "Services et communes très en dessous des communes comparables",
        ["Code INSEE", "Commune", "Population", "Taille", "Service", "Demandes",
         "Pour 1 000 habitants", "Pour 1 000 (communes comparables, médiane)",
         "Demandes attendues", "Écart"],
        [[r["code"], r["name"], r["population"], r["band"], services.get(r["service"], r["service"]),
          r["requests"], fmt(r["rate"], 2), fmt(r["peers_rate"], 2), fmt(r["expected"]),
          fmt(r["missing"])] for r in found],
    )  # fmt: skip
    figures = case_figures(log, as_of=timezone.now())
    figures = figures.filter(
        (figures["received_at"] >= places.moment(start)) & (figures["received_at"] < places.moment(end))
    ) if figures.height else figures  # fmt: skip
    names = analytics.names_for(log.cases, authorities)
    gave_up = silent.abandoned_by_segment(figures, segment)
    abandoned = Table(
        "abandons", f"Demandes abandonnées par {SEGMENTS[segment]}",
        [SEGMENTS[segment].capitalize(), "Demandes", "Abandonnées", "Part (%)"],
        [[names.of(segment, r["value"]), r["cases"], r["abandoned"], fmt(100 * r["rate"])]
         for r in gave_up],
    )  # fmt: skip
    context = {
        "title": "Demande silencieuse", "nav": "dashboards", "start": start, "end": end,
        "errors": errors, "under": under, "abandoned": abandoned, "segment": segment,
        "segments": SEGMENTS.items(),
    }  # fmt: skip
    tables = {under.key: under, abandoned.key: abandoned}
    return csv_or_page(request, tables, "backoffice/steering/silent.html", context)
