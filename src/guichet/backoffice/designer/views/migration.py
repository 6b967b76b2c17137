"""Moving open requests onto the service's current version (issue 15, ADR 0027): on the
versions page, the designer maps each state open requests of older versions are in to an open
state of the current workflow; all move, or none (French errors next to each state)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from guichet.backoffice.designer import selectors
from guichet.backoffice.designer.views._common import designer_required
from guichet.cases.actions import MappingError, move_open_requests, states_to_map
from guichet.cases.models import PublicStatus
from guichet.cases.workflow import workflow_for
from guichet.catalogue.models import Service
from guichet.core.journal import Actor
from guichet.core.plurals import ngettext

OPEN = (PublicStatus.ONGOING, PublicStatus.ACTION_NEEDED)
FIELD_PREFIX = "etat-"


def mapping_rows(
    service: Service,
    chosen: dict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """The rows of the mapping form (old state, count, choice, errors) and the current
    workflow's open states; ([], []) when nothing is to map."""
    version = service.current_version
    if version is None:
        return [], []
    rows = states_to_map(service, version)
    if not rows:
        return [], []
    targets = [
        {"name": state.name, "label": state.label}
        for state in workflow_for(version).states
        if state.public_status in OPEN
    ]
    chosen, errors = chosen or {}, errors or {}
    return [
        {
            "key": row.key,
            "name": f"{FIELD_PREFIX}{row.key}",
            "id": f"etat-{index}",
            "phrase": ngettext(
                "%(n)s demande « %(label)s » (version %(version)s)",
                "%(n)s demandes « %(label)s » (version %(version)s)",
                row.count,
            )
            % {"n": row.count, "label": row.label, "version": row.version},
            "selected": chosen.get(row.key, row.suggested),
            "errors": errors.get(row.key, []),
        }
        for index, row in enumerate(rows)
    ], targets


@designer_required
@require_POST
def move_requests(request, pk):
    from guichet.backoffice.designer.views.versions import versions

    service, _authority = selectors.owned_service(request.user, pk)
    version = service.current_version
    rows = states_to_map(service, version) if version is not None else []
    mapping = {row.key: request.POST.get(f"{FIELD_PREFIX}{row.key}", "") for row in rows}
    if version is None or not rows:
        messages.info(request, "Aucune demande en cours n'est à faire passer sur cette version.")
        return redirect("backoffice:designer:versions", pk=service.pk)
    try:
        moved = move_open_requests(
            service=service, version=version, mapping=mapping, actor=Actor.agent(request.user)
        )
    except MappingError as error:
        general = error.errors.get("", [])
        return versions(
            request, pk, status=400, mapping=mapping, mapping_errors=dict(error.errors),
            mapping_general=general,
        )  # fmt: skip
    messages.success(
        request,
        ngettext(
            "%(n)s demande en cours est passée sur la version %(version)s.",
            "%(n)s demandes en cours sont passées sur la version %(version)s.",
            moved,
        )
        % {"n": moved, "version": version.number},
    )
    return redirect("backoffice:designer:versions", pk=service.pk)
