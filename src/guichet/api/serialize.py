"""Model rows → output documents (see schemas.py)."""

from __future__ import annotations

from guichet.api import schemas
from guichet.authorities.competence import Competence
from guichet.authorities.models import Authority
from guichet.cases.duplicates import duplicate_links
from guichet.cases.models import Attachment, Message, Request
from guichet.cases.workflow import IllegalTransition, workflow_for
from guichet.catalogue import presentation
from guichet.catalogue.formdef import InvalidFormDefinition
from guichet.catalogue.models import Service
from guichet.catalogue.selectors import form_of_request, service_name_of_request, version_by_id
from guichet.core.event_labels import event_label
from guichet.core.models import Event
from guichet.people.models import Person
from guichet.territory.models import Commune


def service_out(service: Service) -> schemas.ServiceOut:
    return schemas.ServiceOut(**_service_fields(service))


def service_detail_out(service: Service) -> schemas.ServiceDetailOut:
    return schemas.ServiceDetailOut(
        **_service_fields(service),
        description=service.description,
        required_documents=list(service.required_documents or []),
        form_definition=_form_definition(service),
    )


def _form_definition(service: Service) -> list[dict]:
    """The stored form, each text field with the limit it gets (4000 for a long text that
    sets none: `catalogue.formdef.DESCRIPTION_LIMIT`), so a client knows it before sending."""
    fields = list(service.form_definition or [])
    try:
        form = service.form
    except ValueError:
        return fields
    limits = {f.name: f.max_length for f in form.fields if getattr(f, "max_length", None)}
    return [
        {**field, "max_length": limits[field["name"]]}
        if isinstance(field, dict) and field.get("name") in limits and "max_length" not in field
        else field
        for field in fields
    ]


def _service_fields(service: Service) -> dict:
    return {
        "slug": service.slug,
        "name": service.name,
        "kind": service.kind,
        "category": service.category.slug,
        "summary": service.summary,
        "level": service.level,
        "channels": list(service.channels or []),
        "sla_working_days": service.sla_working_days,
        "accepts_requests": service.accepts_requests,
    }


def authority_out(authority: Authority) -> schemas.AuthorityOut:
    return schemas.AuthorityOut(
        id=authority.pk,
        slug=authority.slug,
        name=authority.name,
        kind=authority.kind,
        siren=authority.siren,
        commune=authority.commune.code if authority.commune_id else None,
        website=authority.website,
        contact_email=authority.contact_email,
        contact_phone=authority.contact_phone,
    )


def commune_out(commune: Commune) -> schemas.CommuneOut:
    return schemas.CommuneOut(
        code=commune.code,
        name=commune.name,
        departement=commune.departement.code if commune.departement_id else None,
        postcodes=[str(code) for code in commune.postcodes or []],
        population=commune.population,
    )


def competence_out(service: Service, commune: Commune, found: Competence) -> schemas.CompetenceOut:
    return schemas.CompetenceOut(
        service=service.slug,
        commune=commune_out(commune),
        available=found.available,
        authority=authority_out(found.authority) if found.authority else None,
        via=found.via,
        reason=found.reason,
        acts_for=authority_out(found.acts_for) if found.acts_for else None,
    )


def _answers(request: Request) -> list[schemas.AnswerOut]:
    """The answers labelled as the version the request was filed with spelled them."""
    try:
        shown = presentation.answers(form_of_request(request), request.form_data or {}, [])
    except InvalidFormDefinition:
        return []
    return [schemas.AnswerOut(field=a.name, label=a.label, text=a.text) for a in shown]


def request_out(request: Request) -> schemas.RequestOut:
    version = version_by_id(request.service_version_id) if request.service_version_id else None
    try:
        state_label = workflow_for(request).state(request.state).label
    except IllegalTransition:  # a state removed from the service's workflow since
        state_label = request.state
    parent, merged = duplicate_links(request)
    return schemas.RequestOut(
        reference=request.reference,
        service=request.service.slug,
        service_name=service_name_of_request(request),
        service_version=version.number if version is not None else None,
        authority_id=request.authority_id,
        authority=request.authority.name,
        team=request.team.slug if request.team_id else None,
        assignee=request.assignee.get_username() if request.assignee_id else None,
        person_id=request.person_id,
        channel=request.channel,
        state=request.state,
        state_label=state_label,
        public_status=request.public_status,
        summary=request.summary,
        form_data=request.form_data or {},
        answers=_answers(request),
        address=request.address,
        commune=request.commune.code if request.commune_id else None,
        latitude=request.latitude,
        longitude=request.longitude,
        received_at=request.received_at,
        due_at=request.due_at,
        resolved_at=request.resolved_at,
        closed_at=request.closed_at,
        updated_at=request.updated_at,
        duplicate_of=parent,
        duplicates=merged,
    )


def message_out(message: Message) -> schemas.MessageOut:
    return schemas.MessageOut(
        id=message.pk,
        author_type=message.author_type,
        author=message.author_user.get_username() if message.author_user_id else None,
        body=message.body,
        internal=message.is_internal,
        channel=message.channel,
        created_at=message.created_at,
        attachments=[attachment.pk for attachment in message.attachments.all()],
    )


def attachment_out(attachment: Attachment) -> schemas.AttachmentOut:
    return schemas.AttachmentOut(
        id=attachment.pk,
        name=attachment.original_name,
        content_type=attachment.content_type,
        size=attachment.size,
        field_name=attachment.field_name,
        internal=attachment.is_internal,
        uploaded_at=attachment.uploaded_at,
        message_id=attachment.message_id,
    )


def contact_out(event: Event) -> schemas.ContactOut:
    return schemas.ContactOut(
        id=event.pk,
        occurred_at=event.occurred_at,
        channel=event.channel,
        note=str((event.payload or {}).get("note", "")),
        resource=event.resource,
    )


def event_out(event: Event, references: dict[int, str]) -> schemas.EventOut:
    return schemas.EventOut(
        id=event.pk,
        occurred_at=event.occurred_at,
        kind=event.kind,
        label=event_label(event.kind),
        actor_type=event.actor_type,
        resource=event.resource,
        channel=event.channel,
        authority_id=event.authority_id,
        person_id=event.person_id,
        request=references.get(event.case_id) if event.case_id else None,
        visible_to_person=event.visible_to_person,
        payload=event.payload or {},
    )


def person_out(person: Person) -> schemas.PersonOut:
    return schemas.PersonOut(
        id=person.pk,
        first_name=person.first_name,
        last_name=person.last_name,
        category=person.category,
        commune=person.commune.code if person.commune_id else None,
    )


def person_detail_out(person: Person, references: list[str]) -> schemas.PersonDetailOut:
    return schemas.PersonDetailOut(
        **person_out(person).model_dump(),
        address=person.address,
        identities=[
            schemas.IdentityOut(kind=i.kind, value=i.value, verification=i.verification)
            for i in person.identities.all()
        ],
        requests=references,
    )
