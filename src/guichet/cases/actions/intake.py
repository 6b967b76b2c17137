"""Filing a request, on any channel: one path, every check before the first write."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction

from guichet.authorities.competence import Competence
from guichet.authorities.models import Authority
from guichet.cases import events
from guichet.cases.actions._common import Checked, append, check_loose_files, store_files
from guichet.cases.channels import Intake, channels
from guichet.cases.deadlines import compute_due_at
from guichet.cases.models import Request
from guichet.cases.references import new_reference, new_tracking_secret
from guichet.cases.routing import NotRoutable, Route, route
from guichet.cases.workflow import workflow_for
from guichet.catalogue.formdef import FormDefinition
from guichet.catalogue.free_text import is_free_text
from guichet.catalogue.models import Service, ServiceVersion
from guichet.catalogue.uploads import uploaded_list
from guichet.catalogue.validation import (
    CleanedSubmission,
    FormValidationError,
    validate_submission,
)
from guichet.core import clock, rows
from guichet.core.journal import Actor
from guichet.people.actions import Applicant, person_for
from guichet.people.models import Person
from guichet.territory.models import Commune
from guichet.territory.selectors import commune_at_point


class IntakeError(ValueError):
    """A request that cannot be filed as given; `errors` maps field names to French messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(m for messages in errors.values() for m in messages))


class NotPermitted(PermissionError):
    """The one filing may not file for `authority`, which handles this request there."""

    def __init__(self, authority: Authority) -> None:
        self.authority = authority
        super().__init__(
            f"Cette demande relève de {authority.name} : "
            "vous ne pouvez déposer que pour votre collectivité."
        )


@dataclass
class Filing:
    """A filing checked and routed, before any write: what `write_filing` writes."""

    service: Service
    channel: str
    cleaned: dict[str, Any]
    destination: Route
    category: str
    commune: Commune | None = None
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    files: list[tuple[str, Checked]] = field(default_factory=list)
    filed_by: Any = None
    received_at: datetime | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    # the version filed against: a draft for a designer's test request (ADR 0027); None: the
    # service's current version
    version: ServiceVersion | None = None


def file_request(
    *,
    service: Service,
    applicant: Applicant,
    channel: str,
    actor: Actor | None = None,
    registrar: Actor | None = None,
    may_file_for: Callable[[Authority], bool] | None = None,
    form_data: dict[str, Any] | None = None,
    files: Any = None,
    letter: Any = None,
    commune: Commune | None = None,
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    filed_by: Any = None,
    received_at: datetime | None = None,
    competence: Competence | None = None,
    version: ServiceVersion | None = None,
    authority: Authority | None = None,
) -> Request:
    """File a request on `channel` for `applicant`, found or created; every channel's one path.

    Everything is checked before the first write: the channel, the service, the form
    (validated against the service's definition), the place (the given commune, or the one
    containing the point, given or from the form's location field), the authority the
    competence map picks there, and `may_file_for(authority)`, the filer's right to file for
    it (an API key for its own authority). Then, in one transaction, the applicant's record is
    found or created (`people.actions.person_for`), the request written with its due date
    (French working days) and `request.received` appended; the receipt is queued with the
    notification choices of a person created here passed on, not read back.

    `actor` is who files (None: the applicant themselves); `registrar` who writes a new
    person's record (default `actor`; the portal when the applicant files themselves).
    `letter` is the scanned paper mail (channel `mail`). `competence` is
    who_handles(service, commune) when the caller already asked it. `form_data` may be what
    `validate_submission` returned for this service's form, with the `files` it was given: it
    is not checked twice. `version` is a draft of the service a designer tries: the request is
    a test one, checked against the draft's form and following its workflow (ADR 0027); every
    other request follows the service's current version. `authority` is the one the request
    was addressed to (an SMS number, free text without a place, ADR 0028): no competence
    look-up, its routing rules pick the team. Raises IntakeError (French messages per field), NotPermitted, or
    people's IdentifierError for a malformed e-mail or phone; nothing is written then.
    """
    errors: dict[str, list[str]] = {}
    if channel not in channels:
        errors["channel"] = [f"Canal inconnu : « {channel} »."]
    else:
        intake = Intake(channel=channel, filed_by=filed_by, letter=uploaded_list(letter))
        for name, messages in channels[channel].check(intake).items():
            errors.setdefault(name, []).extend(messages)
    accepted = service.channels if version is None else version.channels
    if version is not None and version.service_id != service.pk:
        errors["service"] = ["Cette version n'est pas celle de ce service."]
    elif version is None and (
        # the unpublished triage service receives every channel's free text (ADR 0028)
        not (service.is_active or is_free_text(service)) or not service.accepts_requests
    ):
        errors["service"] = ["Ce service ne permet pas de déposer une demande en ligne."]
    elif channel in channels and accepted and channel not in accepted:
        errors["channel"] = [
            f"Ce service n'accepte pas les demandes par « {channels[channel].label} »."
        ]
    form = service.form if version is None else version.form
    cleaned = _validated_form(service, form_data, files, errors, form=form)
    letter_files = _checked_letter(letter, errors)
    latitude, longitude = _point(cleaned, latitude, longitude)
    if commune is None and latitude is not None and longitude is not None:
        commune = commune_at_point(longitude, latitude)
        if commune is None:
            errors.setdefault("location", []).append(
                "Ce point n'est dans aucune commune desservie."
            )
    if errors:
        raise IntakeError(errors)
    category = applicant.expected_category
    try:
        destination = route(
            service=service, commune=commune, person_category=category,
            form_data=cleaned, competence=competence, authority=authority,
            point=_point_pair(latitude, longitude),
        )  # fmt: skip
    except NotRoutable as refusal:
        raise IntakeError({"commune": [str(refusal)]}) from refusal
    if may_file_for is not None and not may_file_for(destination.authority):
        raise NotPermitted(destination.authority)
    applicant.check()
    if applicant.person is None and actor is None and registrar is None:
        raise TypeError("file_request: a new applicant's record needs a `registrar`")
    plan = Filing(
        service=service, channel=channel, cleaned=cleaned, destination=destination,
        category=category, commune=commune, address=address or cleaned.get("adresse", ""),
        latitude=latitude, longitude=longitude, filed_by=filed_by, received_at=received_at,
        files=[*_form_files(form, cleaned, files), ("courrier", letter_files)],
        payload={"routed_by": destination.competence.via if destination.competence else "forced"},
        version=version,
    )  # fmt: skip
    return write_filing(plan, applicant, actor=actor, registrar=registrar)


def _point_pair(latitude: float | None, longitude: float | None) -> tuple[float, float] | None:
    """The request's place for routing rules with areas (cases.routing)."""
    return None if latitude is None or longitude is None else (latitude, longitude)


def submit_request(*, person: Person, actor: Actor | None = None, **filing: Any) -> Request:
    """`file_request` for a person already on record (the demo's history, tests)."""
    return file_request(applicant=Applicant(person=person), actor=actor, **filing)


def write_filing(
    plan: Filing, applicant: Applicant, *, actor: Actor | None, registrar: Actor | None
) -> Request:
    """Write a checked filing: the applicant's record found or created, the request, its files
    and `request.received`, in one transaction (the caller's, without a savepoint)."""
    # Everything is checked: the writes join the caller's transaction without a savepoint
    # (two round trips saved; a failure now is the database's, and voids the whole filing).
    with transaction.atomic(savepoint=False):
        match = person_for(
            applicant=applicant, actor=registrar or actor or Actor.system(), channel=plan.channel
        )  # fmt: skip
        person = match.person
        destination = plan.destination
        if person.category != plan.category:
            # A verified identity found someone of another category: the team may differ,
            # the authority (the competence map's, already allowed) cannot.
            destination = route(
                service=plan.service, commune=plan.commune, person_category=person.category,
                form_data=plan.cleaned, authority=destination.authority,
                point=_point_pair(plan.latitude, plan.longitude),
            )  # fmt: skip
        actor = actor or Actor.person(person)
        version = plan.version
        workflow = workflow_for(plan.service if version is None else version)
        form = plan.service.form if version is None else version.form
        request = _create_with_unique_reference(
            service=plan.service,
            service_version_id=plan.service.current_version_id if version is None else version.pk,
            is_test=version is not None and version.is_draft, authority=destination.authority, team=destination.team,
            person=person, channel=plan.channel, filed_by=plan.filed_by, state=workflow.initial,
            public_status=workflow.state(workflow.initial).public_status,
            summary=form.summary_of(plan.cleaned) or plan.service.name, form_data=plan.cleaned,
            address=plan.address, commune=plan.commune, latitude=plan.latitude,
            longitude=plan.longitude, received_at=plan.received_at or clock.now(),
        )  # fmt: skip
        for field_name, checked in plan.files:
            store_files(request, checked, field_name=field_name)
        known = {"notification_choices": match.choices} if match.choices is not None else None
        append(
            events.RECEIVED, request, actor, visible=True, channel=plan.channel, known=known,
            reference=request.reference, service=plan.service.slug,
            team=destination.team.slug if destination.team else "",
            rule=destination.rule.pk if destination.rule else None, **plan.payload,
        )  # fmt: skip
    return request


def _validated_form(
    service: Service,
    form_data: Any,
    files: Any,
    errors: dict[str, list[str]],
    *,
    form: FormDefinition | None = None,
) -> dict[str, Any]:
    form = service.form if form is None else form
    if isinstance(form_data, CleanedSubmission) and form_data.form is form:
        return dict(form_data)  # the caller validated it against this very form
    try:
        return validate_submission(form, form_data or {}, files or {})
    except FormValidationError as invalid:
        for name, messages in invalid.errors.items():
            label = invalid.labels.get(name)
            errors.setdefault(name, []).extend(f"{label} : {m}" if label else m for m in messages)
        return {}


def _checked_letter(letter: Any, errors: dict[str, list[str]]) -> Checked:
    if not uploaded_list(letter) or "courrier" in errors:
        return []
    try:
        return check_loose_files(letter)
    except ValueError as refused:
        errors["courrier"] = getattr(refused, "messages", [str(refused)])
        return []


def _form_files(
    form: FormDefinition, cleaned: dict[str, Any], files: Any
) -> Iterator[tuple[str, Checked]]:
    """Pair each form file field's uploads with the descriptions the validator returned."""
    if not files:
        return
    for spec in form.fields:
        if spec.type == "file" and spec.name in cleaned:
            getlist = getattr(files, "getlist", None)
            uploads = (
                getlist(spec.name) if callable(getlist) else uploaded_list(files.get(spec.name))
            )
            yield spec.name, list(zip(uploads, cleaned[spec.name], strict=False))


def _point(
    cleaned: dict[str, Any], latitude: float | None, longitude: float | None
) -> tuple[float | None, float | None]:
    if latitude is not None and longitude is not None:
        return latitude, longitude
    for value in cleaned.values():
        if isinstance(value, dict) and {"lat", "lon"} <= value.keys():
            return value["lat"], value["lon"]
    return None, None


def _create_with_unique_reference(**fields: Any) -> Request:
    # The due date is known before the row exists: one INSERT, no UPDATE after it.
    request = Request(**fields)
    request.due_at = compute_due_at(request)
    # 50 random bits make a clash unlikely, not impossible: draw again if it happens.
    for _ in range(5):
        request.reference, request.tracking_secret = new_reference(), new_tracking_secret()
        if rows.insert_unless_taken(request, "reference"):
            return request
    raise RuntimeError("no unique reference after 5 tries")
