"""Requests: file on behalf of a person, read, list, move along, write, record contacts.

A route does four things: access, validate, act, serialise.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404
from ninja import File, Form, Path, Query, Router, UploadedFile

from guichet.api import access, schemas, serialize
from guichet.api.access_log import log_api_read
from guichet.api.caller import Caller
from guichet.api.idempotency import run_once
from guichet.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate
from guichet.api.security import Forbidden, Unprocessable
from guichet.api.v1 import nearby, place
from guichet.api.v1.params import BIG_ID, invalid, moment
from guichet.authorities.models import Authority
from guichet.cases import actions, events
from guichet.cases.duplicates import with_duplicate_links
from guichet.cases.selectors import conversation, timeline
from guichet.cases.workflow import workflow_for
from guichet.catalogue.free_text import triage_service
from guichet.catalogue.models import Channel
from guichet.catalogue.selectors import service_by_slug
from guichet.people.actions import Applicant
from guichet.people.identifiers import IdentifierError, normalise_email, normalise_phone

router = Router(tags=["demandes"])
IDEMPOTENT = {
    "parameters": [
        {
            "in": "header",
            "name": "Idempotency-Key",
            "required": False,
            "description": "une nouvelle tentative avec la même clé renvoie la première réponse",
            "schema": {"type": "string", "maxLength": 255},
        }
    ]
}
E = schemas.ERRORS


@router.get(
    "/requests",
    response={200: schemas.RequestPage, **E},
    summary="Lister les demandes",
    description=(
        "Les demandes que traitent vos collectivités, les plus récentes d'abord, page par page "
        "(`next_cursor`)."
    ),
)
def list_requests(
    request,
    state: str | None = Query(None, max_length=32),
    public_status: str | None = Query(None, max_length=16),
    service: str | None = Query(None, max_length=80, description="code du service"),
    channel: str | None = Query(None, max_length=16),
    commune: str | None = Query(None, max_length=5, description="code INSEE"),
    person: int | None = Query(None, ge=1, le=BIG_ID, description="identifiant de l'usager"),
    received_after: datetime | None = None,
    received_before: datetime | None = None,
    q: str | None = Query(None, max_length=200, description="référence ou mots de l'objet"),
    cursor: str | None = Query(None, max_length=64),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
):
    """The requests your authorities handle, newest first, page by page (`next_cursor`)."""
    # a designer's test request (ADR 0027) is read by reference, never listed
    rows = with_duplicate_links(access.requests_for(request.auth).filter(is_test=False))
    exact = {
        "state": state, "public_status": public_status, "service__slug": service,
        "channel": channel, "commune__code": commune, "person_id": person,
    }  # fmt: skip
    rows = rows.filter(**{name: value for name, value in exact.items() if value})
    if received_after is not None:
        rows = rows.filter(received_at__gte=moment(received_after, "received_after"))
    if received_before is not None:
        rows = rows.filter(received_at__lt=moment(received_before, "received_before"))
    if q and q.strip():
        rows = rows.filter(Q(reference__iexact=q.strip()) | Q(summary__icontains=q.strip()))
    page = paginate(rows, cursor=cursor, limit=limit)
    return schemas.RequestPage(
        items=[serialize.request_out(r) for r in page.items], next_cursor=page.next_cursor
    )


@router.post(
    "/requests",
    response={201: nearby.FiledRequestOut, **E},
    openapi_extra=IDEMPOTENT,
    summary="Déposer une demande",
    description=(
        "Dépose une demande pour un usager, retrouvé ou créé à partir des coordonnées données "
        "(canal « api »)."
    ),
)
def create_request(request, payload: schemas.RequestIn):
    """File a case for a person, found or created from the contact given (channel "api").

    The competence map picks the authority; an application files only for its own.
    Send an `Idempotency-Key` header so that a retry never files twice.
    """
    caller: Caller = request.auth
    return run_once(request, caller, lambda: (201, _file(caller, payload)))


@transaction.atomic
def _file(caller: Caller, payload: schemas.RequestIn) -> schemas.RequestOut:
    if payload.service is None:
        return _file_free_text(caller, payload)
    service = service_by_slug(payload.service)
    if service is None:
        raise invalid("service", f"Aucun service publié n'a le code « {payload.service} ».")
    if (payload.latitude is None) != (payload.longitude is None):
        raise invalid("latitude", "Indiquez la latitude et la longitude ensemble.")
    commune = place.commune_of(service, payload)
    applicant = Applicant(
        first_name=payload.person.first_name.strip(), last_name=payload.person.last_name.strip(),
        commune=commune, **_checked_contact(payload.person),
    )  # fmt: skip
    try:
        case = actions.file_request(
            service=service, applicant=applicant, channel=Channel.API, actor=caller.actor,
            may_file_for=lambda authority: caller.can(authority.pk, "file_on_behalf"),
            form_data=payload.form_data, commune=commune, address=payload.address.strip(),
            latitude=payload.latitude, longitude=payload.longitude, filed_by=caller.user,
        )  # fmt: skip
    except actions.NotPermitted as refused:  # checked before anything was written
        raise Forbidden(str(refused), code="hors_competence") from None
    return nearby.filed_out(caller, case, serialize.request_out(case))


def _file_free_text(caller: Caller, payload: schemas.RequestIn) -> schemas.RequestOut:
    """No service code: the description is filed under the triage service (ADR 0028), at the
    place given (the competence map picks the authority), else for the caller's authority."""
    if not payload.description:
        raise invalid(
            "service", "Indiquez le code du service, ou décrivez la demande (description)."
        )
    if (payload.latitude is None) != (payload.longitude is None):
        raise invalid("latitude", "Indiquez la latitude et la longitude ensemble.")
    commune = place.commune_of(triage_service(), payload)
    authority = None
    if commune is None:
        authority = Authority.objects.filter(pk=caller.default_authority_id).first()
        if authority is None:
            raise invalid("commune", "Indiquez la commune concernée pour orienter la demande.")
    applicant = Applicant(
        first_name=payload.person.first_name.strip(), last_name=payload.person.last_name.strip(),
        commune=commune, **_checked_contact(payload.person),
    )  # fmt: skip
    try:
        case = actions.file_free_text(
            applicant=applicant, channel=Channel.API, description=payload.description,
            actor=caller.actor, authority=authority, commune=commune,
            address=payload.address.strip(), filed_by=caller.user,
            may_file_for=lambda authority: caller.can(authority.pk, "file_on_behalf"),
        )  # fmt: skip
    except actions.NotPermitted as refused:
        raise Forbidden(str(refused), code="hors_competence") from None
    return serialize.request_out(case)


def _checked_contact(person: schemas.PersonIn) -> dict[str, str]:
    contact = {}
    for name, normalise in (("email", normalise_email), ("phone", normalise_phone)):
        value = (getattr(person, name) or "").strip()
        if value:
            try:
                normalise(value)
            except IdentifierError as refused:
                raise invalid(f"person.{name}", str(refused)) from None
            contact[name] = value
    return contact


@router.get(
    "/requests/{reference}",
    response={200: schemas.RequestOut, **E},
    summary="Consulter une demande",
    description="Une demande par sa référence.",
)
def get_request(request, reference: str):
    case = access.request_for(request.auth, reference)
    log_api_read(
        request.auth, [case.person_id], f"demande {case.reference}", authority_id=case.authority_id
    )
    return serialize.request_out(case)


@router.get(
    "/requests/{reference}/transitions",
    response={200: list[schemas.TransitionOut], **E},
    summary="Lister les changements d'état possibles",
    description="Les changements d'état que vous pouvez faire depuis l'état actuel de la demande.",
)
def list_transitions(request, reference: str):
    """The moves you may make from the case's current state."""
    caller: Caller = request.auth
    case = access.request_for(caller, reference)
    role = caller.role_in(case.authority_id)
    workflow = workflow_for(case)
    return [
        schemas.TransitionOut(
            to=t.target,
            label=workflow.state(t.target).label,
            action=t.action,
            comment_required=t.comment_required,
        )  # fmt: skip
        for t in (workflow.allowed(case.state, role) if role else [])
    ]


@router.post(
    "/requests/{reference}/transitions",
    response={200: schemas.RequestOut, **E},
    openapi_extra=IDEMPOTENT,
    summary="Changer l'état d'une demande",
    description=(
        "Fait passer la demande à l'état `to` ; 409 quand le circuit de traitement ne le permet "
        "pas."
    ),
)
def post_transition(request, reference: str, payload: schemas.TransitionIn):
    """Move the case to `to`; 409 when the workflow does not allow it."""
    caller: Caller = request.auth

    def perform():
        with transaction.atomic():  # the row lock taken by request_for lasts until commit
            case = access.request_for(caller, reference, for_update=True)
            _require(caller, case, "handle_request")
            moved = actions.change_status(
                request=case, to=payload.to, actor=caller.actor,
                role=caller.role_in(case.authority_id), note=payload.note,
                expected_state=payload.expected_state, channel=Channel.API,
            )  # fmt: skip
            moved.refresh_from_db()
            return 200, serialize.request_out(moved)

    return run_once(request, caller, perform)


@router.get(
    "/requests/{reference}/messages",
    response={200: list[schemas.MessageOut], **E},
    summary="Lister les messages",
    description=(
        "Les messages échangés avec l'usager et les notes internes, les plus anciens d'abord."
    ),
)
def list_messages(request, reference: str):
    """Messages with the person and internal notes, oldest first."""
    case = access.request_for(request.auth, reference)
    return [serialize.message_out(m) for m in conversation(case)]


@router.post(
    "/requests/{reference}/messages",
    response={201: schemas.MessageOut, **E},
    openapi_extra=IDEMPOTENT,
    summary="Écrire à l'usager ou ajouter une note",
    description="Écrit à l'usager, ou ajoute une note interne (`internal`).",
)
def post_message(request, reference: str, payload: schemas.MessageIn):
    """Write to the person, or add an internal note (`internal`)."""
    caller: Caller = request.auth

    def perform():
        case = access.request_for(caller, reference)
        _require(caller, case, "handle_request")
        if payload.internal:
            message = actions.add_note(request=case, actor=caller.actor, body=payload.body)
        else:
            message = actions.send_message(
                request=case, actor=caller.actor, body=payload.body, channel=Channel.API
            )
        return 201, serialize.message_out(message)

    return run_once(request, caller, perform)


@router.get(
    "/requests/{reference}/contacts",
    response={200: list[schemas.ContactOut], **E},
    summary="Lister les relances",
    description=(
        "Les fois où l'usager s'est manifesté au sujet de cette demande (appels, visites, "
        "courriels)."
    ),
)
def list_contacts(request, reference: str):
    """The times the person got in touch about this case (calls, visits, e-mails)."""
    case = access.request_for(request.auth, reference)
    recorded = timeline(case).filter(kind=events.CONTACT_RECORDED)
    return [serialize.contact_out(e) for e in recorded]


@router.post(
    "/requests/{reference}/contacts",
    response={201: schemas.ContactOut, **E},
    openapi_extra=IDEMPOTENT,
    summary="Enregistrer une relance",
    description="Enregistre que l'usager s'est manifesté au sujet de cette demande.",
)
def post_contact(request, reference: str, payload: schemas.ContactIn):
    """Record that the person got in touch about this case."""
    caller: Caller = request.auth

    def perform():
        case = access.request_for(caller, reference)
        _require(caller, case, "view_requests")
        actions.record_contact(
            request=case, channel=payload.channel, actor=caller.actor, note=payload.note
        )
        recorded = timeline(case).filter(kind=events.CONTACT_RECORDED).last()
        return 201, serialize.contact_out(recorded)

    return run_once(request, caller, perform)


@router.get(
    "/requests/{reference}/attachments",
    response={200: list[schemas.AttachmentOut], **E},
    summary="Lister les pièces jointes",
    description="Les pièces jointes de la demande.",
)
def list_attachments(request, reference: str):
    case = access.request_for(request.auth, reference)
    return [serialize.attachment_out(a) for a in case.attachments.all()]


FILES_FIELD = File(..., description="PDF ou images, 10 Mo au plus chacun")
INTERNAL_FIELD = Form(False, description="jamais montrées à l'usager")


@router.post(
    "/requests/{reference}/attachments",
    response={201: list[schemas.AttachmentOut], **E},
    openapi_extra=IDEMPOTENT,
    summary="Ajouter des pièces jointes",
    description=(
        "Ajoute des documents à la demande (contrôlés d'après leur contenu : PDF, PNG, JPEG, "
        "WebP, HEIC)."
    ),
)
def post_attachments(
    request,
    reference: str,
    files: list[UploadedFile] = FILES_FIELD,
    internal: bool = INTERNAL_FIELD,
):
    """Add documents to the case (checked by content: PDF, PNG, JPEG, WebP, HEIC)."""
    caller: Caller = request.auth

    def perform():
        case = access.request_for(caller, reference)
        _require(caller, case, "handle_request")
        try:
            stored = actions.add_attachments(
                request=case, actor=caller.actor, files=files, internal=internal,
                channel=Channel.API,
            )  # fmt: skip
        except actions.AttachmentError as refused:
            raise Unprocessable(
                "Pièces jointes refusées.",
                errors=[
                    {"field": "files", "code": "invalide", "message": m} for m in refused.messages
                ],
            ) from refused
        return 201, [serialize.attachment_out(a) for a in stored]

    return run_once(request, caller, perform)


@router.get(
    "/requests/{reference}/attachments/{attachment_id}/content",
    response=E,
    openapi_extra={
        "responses": {
            "200": {
                "description": "le fichier",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
    summary="Télécharger une pièce jointe",
    description="Le fichier lui-même, avec son type de contenu contrôlé.",
)
def download_attachment(request, reference: str, attachment_id: int = Path(..., ge=1, le=BIG_ID)):
    """The file itself, with its checked content type."""
    case = access.request_for(request.auth, reference)
    attachment = case.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404("Pièce jointe introuvable.")
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@router.get(
    "/requests/{reference}/events",
    response={200: list[schemas.EventOut], **E},
    summary="Historique d'une demande",
    description="L'historique de la demande d'après le journal, le plus ancien d'abord.",
)
def list_request_events(request, reference: str):
    """The case's history from the journal, oldest first."""
    case = access.request_for(request.auth, reference)
    return [serialize.event_out(e, {case.pk: case.reference}) for e in timeline(case)]


def _require(caller: Caller, case, permission: str) -> None:
    if not caller.can(case.authority_id, permission):
        raise Forbidden("Votre rôle ne permet pas cette action sur cette demande.", code="role")
