"""The public map of reports, its data, and one report's public page (no sign-in)."""

from __future__ import annotations

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from guichet.portal import public_reports
from guichet.portal.views._common import not_found, page

DATA_MAX_AGE = 60  # seconds the map's data is kept (server cache and browsers)
NOT_FOUND = "Ce signalement n'existe pas ou n'est pas publié sur la carte."


@require_GET
def reports_page(request):
    """The map and, as its accessible alternative, the paginated list; a GET form filters."""
    filters = public_reports.Filters.from_query(request.GET)
    services = public_reports.public_services()
    paginator = Paginator(public_reports.reports(filters), public_reports.PAGE_SIZE)
    current = paginator.get_page(request.GET.get("page"))
    query = {"service": filters.service, "statut": filters.status, "commune": filters.commune}
    kept = "&".join(f"{k}={v}" for k, v in query.items() if v)
    return page(
        request,
        "portal/reports/map.html",
        {
            "title": "Carte des signalements",
            "filters": filters,
            "services": services,
            "statuses": public_reports.STATUS_FILTERS.items(),
            "communes": public_reports.communes_with_reports(),
            "page_obj": current,
            "items": public_reports.as_reports(list(current.object_list)),
            "data_url": reverse("portal:reports_data") + (f"?{kept}" if kept else ""),
            "kept_query": kept,
            "recent_days": public_reports.RECENT_DAYS,
        },
    )


@require_GET
def reports_data(request):
    """The map's GeoJSON (public fields, generalised points), cached for DATA_MAX_AGE s."""
    filters = public_reports.Filters.from_query(request.GET)
    key = f"guichet:public-reports:{filters.as_key()}"
    data = cache.get(key)
    if data is None:
        data = public_reports.geojson(filters)
        cache.set(key, data, DATA_MAX_AGE)
    response = JsonResponse(data, content_type="application/geo+json")
    response["Cache-Control"] = f"public, max-age={DATA_MAX_AGE}"
    return response


@require_GET
def report_page(request, reference):
    found = public_reports.public_report(reference)
    if found.parent_reference:
        return redirect("portal:report", reference=found.parent_reference)
    if found.request is None:
        return not_found(request, NOT_FOUND)
    report = public_reports.as_reports([found.request])[0]
    return page(
        request,
        "portal/reports/report.html",
        {
            "title": f"Signalement {report.reference}",
            "report": report,
            "steps": public_reports.public_steps(found.request),
            "follow_url": _follow_url(report.reference) if report.is_open else None,
        },
    )


def _follow_url(reference: str) -> str | None:
    # The follow flow is the followers' part of issue 16: linked only once it exists.
    try:
        return reverse("portal:follow", kwargs={"reference": reference})
    except NoReverseMatch:
        return None
