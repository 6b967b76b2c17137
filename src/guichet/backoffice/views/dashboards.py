"""Managers' dashboards: figures, map by commune, process map and one journey.

Every view reads the journal's analytics copy scoped to the authorities where the agent holds
`view_dashboards`; the filters live in the query string so a view can be shared, and every
table downloads as CSV with the same URL plus `format=csv&table=<key>` (and `&variante=excel`
for the French spreadsheet form, `guichet.core.csvexport`).
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from guichet.backoffice import analytics, dashboard_figures, process_page
from guichet.backoffice.access_log import log_view
from guichet.backoffice.analytics import DIMENSION_LABELS, PERIOD_LABELS, Table
from guichet.backoffice.commune_map import MEASURES, commune_map
from guichet.backoffice.commune_points import located_requests, single_commune
from guichet.backoffice.dashboard_figures import IRRITANT_LABELS
from guichet.backoffice.journey import journey_of
from guichet.backoffice.selectors import person_or_none, person_requests_for, request_by_reference
from guichet.backoffice.views._common import agent_required, forbidden
from guichet.journeys.engine import IRRITANTS, case_figures
from guichet.journeys.topics.selectors import emerging_topics

MANAGERS_ONLY = (
    "Les tableaux de bord sont réservés aux responsables et administrateurs de la collectivité."
)


def _choice(query, key: str, allowed, default: str) -> str:
    value = query.get(key, default)
    return value if value in allowed else default


def _csv_or_page(request, tables: dict[str, Table], template: str, context: dict):
    if request.GET.get("format") == "csv":
        table = tables.get(request.GET.get("table", ""))
        if table is None and len(tables) == 1:
            table = next(iter(tables.values()))
        if table is None:
            raise Http404("Tableau introuvable.")
        return analytics.csv_response(request, table)
    return render(request, template, context)


def _scope(request):
    authorities = analytics.dashboard_authorities(request.user)
    if not authorities:
        return None, None, None
    scope = analytics.scoped(request.user, request.GET, authorities)
    everything = analytics.scope_of_authorities(authorities)
    names = analytics.names_for(everything.cases, authorities)
    return scope, names, analytics.filter_options(everything, names)


def _common(scope, fields, nav: str, title: str) -> dict:
    return {
        "title": title,
        "nav": "dashboards",
        "tab": nav,
        "scope": scope,
        "fields": fields,
        "chosen": scope.chosen,
        "since": scope.query.get("du", ""),
        "until": scope.query.get("au", ""),
        "querystring": scope.query.urlencode(),
    }


@agent_required
def dashboard(request):
    scope, names, fields = _scope(request)
    if scope is None:
        return forbidden(request, MANAGERS_ONLY)
    by = _choice(request.GET, "par", DIMENSION_LABELS, "service")
    period = _choice(request.GET, "periode", PERIOD_LABELS, "month")
    irritant = _choice(request.GET, "irritant", IRRITANTS, "repeat_contact")
    board = dashboard_figures.build(
        scope, names, by=by, period=period, irritant=irritant, now=timezone.now()
    )
    overall = board.overall
    context = _common(scope, fields, "figures", "Tableau de bord") | {
        "board": board,
        "overall": overall,
        "satisfaction_rate": analytics.percent(overall.get("dissatisfied_rate")),
        "satisfaction_available": overall.get("dissatisfied_rate") is not None,
        "emerging_topics": emerging_topics([a.pk for a in scope.authorities]),
        "by": by,
        "period": period,
        "irritant": irritant,
        "dimensions": DIMENSION_LABELS.items(),
        "periods": PERIOD_LABELS.items(),
        "irritants": IRRITANT_LABELS.items(),
        "sections": [
            ("encours", "Demandes en cours", board.backlog),
            ("volumes", "Volumes", board.volumes),
            ("delais", "Délais au regard des promesses", board.delays),
            ("irritants", "Irritants", board.irritants),
            ("segments", "Par segment", board.segments),
            ("evolution", "Dans le temps", board.over_time),
        ],
    }
    return _csv_or_page(request, board.tables, "backoffice/dashboards/dashboard.html", context)


@agent_required
def commune_map_view(request):
    scope, names, fields = _scope(request)
    if scope is None:
        return forbidden(request, MANAGERS_ONLY)
    measure = _choice(request.GET, "mesure", MEASURES, "volume")
    figures = case_figures(scope.log, as_of=timezone.now())
    result = commune_map(figures, names, measure=measure)
    # One commune (chosen, or the only one): its requests where they were placed.
    code = single_commune(figures)
    located = located_requests(figures, names, code) if code else None
    context = _common(scope, fields, "map", "Carte des demandes par commune") | {
        "map": result,
        "located": located,
        "measure": measure,
        "measures": MEASURES.items(),
        "measure_label": MEASURES[measure],
    }
    tables = {result.table.key: result.table}
    if located is not None:
        tables[located.table.key] = located.table
    return _csv_or_page(request, tables, "backoffice/dashboards/map.html", context)


@agent_required
def process_map_view(request):
    scope, _names, fields = _scope(request)
    if scope is None:
        return forbidden(request, MANAGERS_ONLY)
    page = process_page.build(scope.log, request.GET)
    context = _common(scope, fields, "process", "Carte du processus") | {
        "page": page,
        "cases": scope.log.case_count,
    }
    tables = {table.key: table for table in page.tables}
    return _csv_or_page(request, tables, "backoffice/dashboards/process.html", context)


@agent_required
def journey(request):
    """A request's path (?reference=) or a person's (?usager=), for any agent who may see them."""
    reference, person_pk = request.GET.get("reference", ""), request.GET.get("usager", "")
    subject, found = "", None
    if reference:
        case = request_by_reference(request.user, reference)
        if case is None:
            raise Http404("Aucune demande de vos collectivités ne porte cette référence.")
        found, subject = journey_of([case]), f"demande {case.reference}"
        log_view(
            request.user, person=case.person_id, what=f"parcours de la demande {case.reference}",
            authority_id=case.authority_id,
        )  # fmt: skip
    elif person_pk:
        person = person_or_none(person_pk)
        if person is None:
            raise Http404("Usager introuvable.")
        owned = person_requests_for(request.user, person)
        if not owned.visible:
            raise Http404("Usager introuvable.")
        found = journey_of(owned.visible, hidden=owned.hidden_count)
        subject = f"{person.first_name} {person.last_name}".strip()
        log_view(request.user, person=person, what="parcours de l'usager")
    context = {
        "title": f"Parcours — {subject}" if subject else "Parcours d'un usager",
        "nav": "dashboards",
        "tab": "journey",
        "journey": found,
        "subject": subject,
        "reference": reference,
        "querystring": request.GET.urlencode(),
        "can_dashboards": bool(analytics.dashboard_authorities(request.user)),
    }
    tables = {found.table.key: found.table} if found else {}
    return _csv_or_page(request, tables, "backoffice/dashboards/journey.html", context)
