"""People known to your authorities, and your authorities' event journal."""

from __future__ import annotations

from datetime import datetime

from ninja import Path, Query, Router

from guichet.api import access, schemas, serialize
from guichet.api.access_log import log_api_read
from guichet.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate
from guichet.api.v1.params import BIG_ID, moment
from guichet.cases.models import Request
from guichet.people.identifiers import fold

router = Router()
E = schemas.ERRORS


@router.get(
    "/persons",
    response={200: schemas.PersonPage, **E},
    tags=["usagers"],
    summary="Lister les usagers",
    description=(
        "Les usagers ayant une demande ou un rendez-vous auprès de vos collectivités (une demande"
        " transmise à elles ou par elles compte), les plus récents d'abord ; personne d'autre (la"
        " règle du back-office)."
    ),
)
def list_persons(
    request,
    q: str | None = Query(None, max_length=200, description="nom ou prénom"),
    cursor: str | None = Query(None, max_length=64),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
):
    """People with a request or an appointment with your authorities (a request handed to
    them, or by them, counts), newest first; nobody else (the back office's rule)."""
    rows = access.persons_for(request.auth)
    if q and fold(q):
        rows = rows.filter(search_name__contains=fold(q))
    page = paginate(rows, cursor=cursor, limit=limit)
    log_api_read(request.auth, [p.pk for p in page.items], "liste des usagers")
    return schemas.PersonPage(
        items=[serialize.person_out(p) for p in page.items], next_cursor=page.next_cursor
    )


@router.get(
    "/persons/{person_id}",
    response={200: schemas.PersonDetailOut, **E},
    tags=["usagers"],
    summary="Consulter un usager",
    description=(
        "Un usager, avec ses coordonnées et les références des demandes de vos collectivités."
    ),
)
def get_person(request, person_id: int = Path(..., ge=1, le=BIG_ID)):
    """One person, with their contacts and the references of your authorities' requests."""
    person = access.person_for(request.auth, person_id)
    log_api_read(request.auth, [person.pk], "fiche usager")
    references = list(
        access.requests_for(request.auth)
        .filter(person=person)
        .order_by("-received_at")
        .values_list("reference", flat=True)
    )
    return serialize.person_detail_out(person, references)


@router.get(
    "/events",
    response={200: schemas.EventPage, **E},
    tags=["journal"],
    summary="Lister les événements du journal",
    description="Le journal de vos collectivités, le plus récent d'abord, page par page.",
)
def list_events(
    request,
    kind: str | None = Query(None, max_length=64, description="« request. » : tout préfixe"),
    since: datetime | None = None,
    cursor: str | None = Query(None, max_length=64),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
):
    """Your authorities' journal, newest first, page by page."""
    rows = access.events_for(request.auth)
    if kind:
        rows = rows.filter(kind__startswith=kind)
    if since is not None:
        rows = rows.filter(occurred_at__gte=moment(since, "since"))
    page = paginate(rows, cursor=cursor, limit=limit)
    case_ids = {e.case_id for e in page.items if e.case_id}
    references = dict(Request.objects.filter(pk__in=case_ids).values_list("pk", "reference"))
    return schemas.EventPage(
        items=[serialize.event_out(e, references) for e in page.items],
        next_cursor=page.next_cursor,
    )
