"""A person asks at the counter for their data: the agent starts the export and hands over
the archive (people/rights/). Only for a person the agent may see (`people.access`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from guichet.authorities.access import authority_ids_for
from guichet.backoffice.access_log import log_view
from guichet.backoffice.views._common import agent_required
from guichet.people import access
from guichet.people.rights.actions import request_export
from guichet.people.rights.models import DataExport


@agent_required
@require_POST
def export_person(request, pk: int):
    """« Exporter les données (demande au guichet) »: the same export the person gets online."""
    person = access.access_person(authority_ids_for(request.user), pk)
    if person.is_merged:
        person = person.merged_into
    export, created = request_export(person=person, requested_by=request.user)
    if created:
        messages.success(
            request,
            "L'export des données est demandé : il se prépare, le lien de téléchargement "
            "apparaîtra sur cette fiche.",
        )
    else:
        messages.info(request, "Un export des données de cet usager est déjà en préparation.")
    return redirect("backoffice:person", pk=person.pk)


@agent_required
@require_GET
def download_export(request, pk: int, export_pk: int):
    person = access.access_person(authority_ids_for(request.user), pk)
    export = DataExport.objects.filter(pk=export_pk, person=person).first()
    if export is None or not export.is_downloadable():
        return render(
            request, "backoffice/404.html",
            {"title": "Export indisponible",
             "message": "Cet export n'est plus disponible (il a expiré ou n'existe pas) : "
                        "demandez-en un nouveau depuis la fiche de l'usager."},
            status=410,
        )  # fmt: skip
    log_view(request.user, person=person, what="export de ses données (remis au guichet)")
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"donnees-usager-{person.pk}-{export.created_at:%Y-%m-%d}.zip",
        content_type="application/zip",
    )
