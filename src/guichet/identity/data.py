"""« Mes données personnelles » : the signed-in resident downloads everything the platform
holds about them, and sees which agents looked at their data (people/rights/)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from guichet.core.plurals import ngettext
from guichet.core.ratelimit import hit
from guichet.people.rights import links
from guichet.people.rights.actions import request_export
from guichet.people.rights.models import AccessLog, DataExport
from guichet.portal.session import current_person

# How many consultations the page lists (the export holds them all).
SHOWN_ACCESSES = 100
# New exports a person may ask for per day: each one reads all their data and writes a file.
EXPORT_LIMIT, EXPORT_WINDOW = 5, 86400


def _export_context(export: DataExport | None) -> dict:
    return {
        "export": export,
        "download_token": links.download_token(export)
        if export is not None and export.is_downloadable()
        else "",
    }


@require_GET
def data_page(http_request):
    person = current_person(http_request)
    if person is None:
        return redirect("portal:sign_in")
    accesses = list(
        AccessLog.objects.filter(person=person).select_related("authority")[:SHOWN_ACCESSES]
    )
    total = (
        AccessLog.objects.filter(person=person).count()
        if len(accesses) == SHOWN_ACCESSES
        else len(accesses)
    )
    return render(
        http_request,
        "identity/data.html",
        {
            "title": "Mes données personnelles",
            "signed_in_person": person,
            "accesses": accesses,
            "accesses_caption": ngettext(
                "%(n)d consultation de vos données par un agent",
                "%(n)d consultations de vos données par des agents",
                total,
            )
            % {"n": total},
            "more_accesses": total - len(accesses),
            "export_days": settings.GUICHET_EXPORT_DAYS,
            **_export_context(DataExport.latest_of(person)),
        },
    )


@require_POST
def data_export(http_request):
    person = current_person(http_request)
    if person is None:
        return redirect("portal:sign_in")
    if not hit(
        "people.data-export", str(person.pk), limit=EXPORT_LIMIT, window=EXPORT_WINDOW
    ).allowed:
        messages.error(
            http_request,
            "Vous avez demandé plusieurs exports aujourd'hui : réessayez demain, ou téléchargez "
            "le dernier, toujours disponible ci-dessous.",
        )
        return redirect("identity:data")
    export, created = request_export(person=person)
    if created:
        messages.success(
            http_request,
            "Votre export est demandé : il se prépare, vous pourrez le télécharger sur cette page.",
        )
    else:
        messages.info(http_request, "Un export est déjà en préparation : le voici.")
    return redirect("identity:data")


@require_GET
def data_status(http_request):
    """The export's progress, polled by the page (htmx) while it is being prepared."""
    person = current_person(http_request)
    if person is None:
        raise Http404("Aucun usager connecté.")
    return render(
        http_request, "identity/_data_export.html", _export_context(DataExport.latest_of(person))
    )


@require_GET
def data_download(http_request, token: str):
    person = current_person(http_request)
    if person is None:
        return redirect("portal:sign_in")
    try:
        export = links.export_for(token, person.pk)
    except links.InvalidLink as refused:
        return render(
            http_request,
            "identity/data_refused.html",
            {"title": "Téléchargement impossible", "message": str(refused),
             "signed_in_person": person},
            status=410,
        )  # fmt: skip
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"mes-donnees-{export.created_at:%Y-%m-%d}.zip",
        content_type="application/zip",
    )
