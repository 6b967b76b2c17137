"""The counter's notice after a filing: « 2 signalements proches ouverts » (issue 16)."""

from __future__ import annotations

import logging

from django.db import DatabaseError

from guichet.authorities.access import authority_ids_for
from guichet.cases.models import Request
from guichet.cases.nearby import age_phrase, distance_phrase, nearby_requests
from guichet.core.plurals import ngettext

logger = logging.getLogger(__name__)


def nearby_notice(user, case: Request) -> dict | None:
    """The open requests of the same service near `case` (None when there are none): each
    with a link when the agent's authorities handle it. A failure shows nothing."""
    if case.latitude is None or case.longitude is None or not case.service.nearby_radius_m:
        return None
    try:
        found = nearby_requests(case.service, case.latitude, case.longitude, exclude=case.pk)
    except (DatabaseError, ValueError):
        logger.exception("nearby look-up failed for %s", case.reference)
        return None
    if not found:
        return None
    mine = set(authority_ids_for(user))
    return {
        "phrase": ngettext(
            "%(n)d signalement proche ouvert", "%(n)d signalements proches ouverts", len(found)
        )
        % {"n": len(found)},
        "items": [
            {
                "pk": near.pk if near.authority_id in mine else None,
                "reference": near.reference,
                "where": f"{distance_phrase(near.distance_m)}, {age_phrase(near.age)}",
                "status": near.public_status_label,
            }
            for near in found
        ],
    }
