""" "Already reported nearby" in the answer to a filing (issue 16): the open requests of the
same service around the new one, so that the client can offer to follow or merge.

The look-up never stands in the way of the filing: a failure answers an empty list.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import DatabaseError, transaction
from ninja import Schema
from pydantic import Field

from guichet.api import schemas
from guichet.api.caller import Caller
from guichet.cases.models import Request
from guichet.cases.nearby import nearby_requests

logger = logging.getLogger(__name__)


class NearbyOut(Schema):
    reference: str
    distance_m: int = Field(description="la distance au point de la nouvelle demande, en mètres")
    received_at: datetime
    public_status: str


class FiledRequestOut(schemas.RequestOut):
    nearby: list[NearbyOut] = Field(
        default_factory=list,
        description="les demandes ouvertes du même service déjà déposées à proximité (distance "
        "et ancienneté réglées par service), les plus proches d'abord, parmi celles de vos "
        "collectivités ; vide quand le service ne les cherche pas ou que la demande n'a pas "
        "de point",
    )


def nearby_of(caller: Caller, case: Request) -> list[NearbyOut]:
    """The open requests near `case` that the caller's authorities handle, nearest first."""
    if case.latitude is None or case.longitude is None or not case.service.nearby_radius_m:
        return []
    try:
        with transaction.atomic():  # a failure here must not void the filing around it
            found = nearby_requests(case.service, case.latitude, case.longitude, exclude=case.pk)
    except (DatabaseError, ValueError):
        logger.exception("nearby look-up failed for %s", case.reference)
        return []
    allowed = set(caller.authority_ids)
    return [
        NearbyOut(
            reference=near.reference,
            distance_m=round(near.distance_m),
            received_at=near.received_at,
            public_status=near.public_status,
        )  # fmt: skip
        for near in found
        if near.authority_id in allowed
    ]


def filed_out(caller: Caller, case: Request, out: schemas.RequestOut) -> FiledRequestOut:
    return FiledRequestOut(**out.model_dump(), nearby=nearby_of(caller, case))
