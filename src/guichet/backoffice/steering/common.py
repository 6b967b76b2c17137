"""What the steering pages share: tables with their CSV, the period in the URL."""

from __future__ import annotations

from datetime import date, timedelta

from django.http import Http404
from django.shortcuts import render

from guichet.backoffice import analytics
from guichet.backoffice.analytics import Table
from guichet.core import clock
from guichet.core.calendar import PARIS

MAX_DAYS = 3 * 366


def csv_or_page(request, tables: dict[str, Table], template: str, context: dict):
    """The page, or one of its tables as CSV (`?format=csv&table=<key>`)."""
    if request.GET.get("format") == "csv":
        table = tables.get(request.GET.get("table", ""))
        if table is None:
            raise Http404("Tableau introuvable.")
        return analytics.csv_response(request, table)
    context = context | {"querystring": request.GET.urlencode()}
    return render(request, template, context)


def period_from(query, default_days: int = 91) -> tuple[date, date, list[str]]:
    """[du, au) from the URL (default: the last `default_days` days), and French errors."""
    today = clock.now().astimezone(PARIS).date()
    errors = []
    since, until = analytics.parse_day(query.get("du")), analytics.parse_day(query.get("au"))
    if query.get("du") and since is None:
        errors.append("La date de début n'est pas une date (AAAA-MM-JJ).")
    if query.get("au") and until is None:
        errors.append("La date de fin n'est pas une date (AAAA-MM-JJ).")
    end = until.date() if until else today + timedelta(days=1)
    start = since.date() if since else end - timedelta(days=default_days)
    if start >= end:
        errors.append("La date de début doit précéder la date de fin : période par défaut.")
        end, start = today + timedelta(days=1), today + timedelta(days=1 - default_days)
    if (end - start).days > MAX_DAYS:
        errors.append("La période est limitée à trois ans : période raccourcie.")
        start = end - timedelta(days=MAX_DAYS)
    return start, end, errors
