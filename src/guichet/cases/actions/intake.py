"""Filing a request, on any channel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from guichet.authorities.competence import Competence
from guichet.cases import events
from guichet.cases.actions._common import Checked, append, check_loose_files, store_files
from guichet.cases.deadlines import compute_due_at
from guichet.cases.models import Request
from guichet.cases.references import new_reference, new_tracking_secret
from guichet.cases.routing import NotRoutable, route
from guichet.cases.workflow import workflow_for
from guichet.catalogue.models import Service
from guichet.catalogue.uploads import uploaded_list
from guichet.catalogue.validation import (
    CleanedSubmission,
    FormValidationError,
    validate_submission,
)
from guichet.channels.base import Intake
from guichet.channels.registry import channels
from guichet.core import clock, rows
from guichet.core.journal import Actor
from guichet.people.models import Person
from guichet.territory.models import Commune
from guichet.territory.selectors import commune_at_point


class IntakeError(ValueError):
    """A request that cannot be filed as given; `errors` maps field names to French messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(m for messages in errors.values() for m in messages))


def submit_request(
    *,
    service: Service,
    person: Person,
    channel: str,
    actor: Actor,
    form_data: dict[str, Any] | None = None,
    files: Any = None,
    letter: Any = None,
    commune: Commune | None = None,
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    filed_by=None,
    received_at: datetime | None = None,
    competence: Competence | None = None,
) -> Request:
    """File a request for `person` on `channel`; check everything before writing anything.

    The form is validated against the service's definition; the place is the given commune,
    or the commune containing the point (given, or from the form's location field); the
    competence map picks the authority, routing rules the team; the due date follows the
    service's promise in French working days. `letter` is the scanned paper mail (channel
    `mail`). `competence` is who_handles(service, commune) when the caller already asked it.
    `form_data` may be what `validate_submission` returned for this service's form, with the
    `files` it was given: it is not checked twice.
    Raises IntakeError (or FormValidationError) with French messages.
    """
    errors: dict[str, list[str]] = {}
    if channel not in channels:
        errors["channel"] = [f"Canal inconnu : « {channel} »."]
    else:
        intake = Intake(channel=channel, filed_by=filed_by, letter=uploaded_list(letter))
        for name, messages in channels[channel].check(intake).items():
            errors.setdefault(name, []).extend(messages)
    if not service.is_active or not service.accepts_requests:
        errors["service"] = ["Ce service ne permet pas de déposer une demande en ligne."]
    elif channel in channels and service.channels and channel not in service.channels:
        errors["channel"] = [
            f"Ce service n'accepte pas les demandes par « {channels[channel].label} »."
        ]
    if person.merged_into_id is not None:
        person = person.merged_into
    cleaned = _validated_form(service, form_data, files, errors)
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
    try:
        destination = route(
            service=service,
            commune=commune,
            person_category=person.category,
            form_data=cleaned,
            competence=competence,
        )
    except NotRoutable as refusal:
        raise IntakeError({"commune": [str(refusal)]}) from refusal

    workflow = workflow_for(service)
    # Everything is checked: the writes join the caller's transaction without a savepoint
    # (two round trips saved; a failure now is the database's, and voids the whole filing).
    with transaction.atomic(savepoint=False):
        request = _create_with_unique_reference(
            service=service, authority=destination.authority, team=destination.team, person=person,
            channel=channel, filed_by=filed_by, state=workflow.initial,
            public_status=workflow.state(workflow.initial).public_status,
            summary=_summary(service, cleaned), form_data=cleaned, address=address or cleaned.get("adresse", ""),
            commune=commune, latitude=latitude, longitude=longitude,
            received_at=received_at or clock.now(),
        )  # fmt: skip
        for field_name, checked in _form_files(service, cleaned, files):
            store_files(request, checked, field_name=field_name)
        store_files(request, letter_files, field_name="courrier")
        append(
            events.RECEIVED, request, actor, visible=True, channel=channel,
            reference=request.reference, service=service.slug, team=destination.team.slug if destination.team else "",
            routed_by=destination.competence.via if destination.competence else "forced",
            rule=destination.rule.pk if destination.rule else None,
        )  # fmt: skip
    return request


def _validated_form(service, form_data, files, errors) -> dict[str, Any]:
    if isinstance(form_data, CleanedSubmission) and form_data.form is service.form:
        return dict(form_data)  # the caller validated it against this very form
    try:
        return validate_submission(service.form, form_data or {}, files or {})
    except FormValidationError as invalid:
        for name, messages in invalid.errors.items():
            label = invalid.labels.get(name)
            errors.setdefault(name, []).extend(f"{label} : {m}" if label else m for m in messages)
        return {}


def _checked_letter(letter: Any, errors) -> Checked:
    if not uploaded_list(letter) or "courrier" in errors:
        return []
    try:
        return check_loose_files(letter)
    except ValueError as refused:
        errors["courrier"] = getattr(refused, "messages", [str(refused)])
        return []


def _form_files(service: Service, cleaned: dict[str, Any], files: Any):
    """Pair each form file field's uploads with the descriptions the validator returned."""
    if not files:
        return
    for field in service.form_definition or []:
        if field.get("type") == "file" and field["name"] in cleaned:
            getlist = getattr(files, "getlist", None)
            uploads = (
                getlist(field["name"])
                if callable(getlist)
                else uploaded_list(files.get(field["name"]))
            )
            yield field["name"], list(zip(uploads, cleaned[field["name"]], strict=False))


def _point(cleaned, latitude, longitude) -> tuple[float | None, float | None]:
    if latitude is not None and longitude is not None:
        return latitude, longitude
    for value in cleaned.values():
        if isinstance(value, dict) and {"lat", "lon"} <= value.keys():
            return value["lat"], value["lon"]
    return None, None


def _summary(service: Service, cleaned: dict[str, Any]) -> str:
    for key in ("objet", "titre", "description", "message"):
        if isinstance(cleaned.get(key), str) and cleaned[key].strip():
            text = " ".join(cleaned[key].split())
            return text if len(text) <= 120 else text[:119] + "…"
    return service.name


def _create_with_unique_reference(**fields) -> Request:
    # The due date is known before the row exists: one INSERT, no UPDATE after it.
    request = Request(**fields)
    request.due_at = compute_due_at(request)
    # 50 random bits make a clash unlikely, not impossible: draw again if it happens.
    for _ in range(5):
        request.reference, request.tracking_secret = new_reference(), new_tracking_secret()
        if rows.insert_unless_taken(request, "reference"):
            return request
    raise RuntimeError("no unique reference after 5 tries")
