"""Reads the portal needs that no domain app offers as such (built on their public reads)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, IntegerField, Value, When

from guichet.authorities.competence import Competence, services_at, who_handles
from guichet.authorities.models import Authority
from guichet.cases import events, phases
from guichet.cases.models import Request
from guichet.cases.selectors import person_timeline
from guichet.cases.workflow import IllegalTransition, workflow_for
from guichet.catalogue.formdef import InvalidFormDefinition
from guichet.catalogue.models import Category, Service
from guichet.catalogue.presentation import Answer, answers
from guichet.catalogue.selectors import form_of_request, service_name_of_request
from guichet.people.identifiers import IdentifierError, normalise_email
from guichet.people.models import Identity, Verification
from guichet.territory.models import Commune

KIND_LABELS = {
    Authority.Kind.COMMUNE: "commune",
    Authority.Kind.INTERCOMMUNALITY: "intercommunalité",
    Authority.Kind.DEPARTEMENT: "département",
    Authority.Kind.OPERATOR: "opérateur",
}


@dataclass(frozen=True)
class Offer:
    """One service offered at a commune, and who delivers it there."""

    service: Service
    competence: Competence

    @property
    def authority(self) -> Authority:
        return self.competence.authority

    @property
    def delivered_by(self) -> str:
        """ "Ville de Sceaux (commune)", or "X (opérateur), pour le compte de Y"."""
        authority = self.competence.authority
        text = f"{authority.name} ({KIND_LABELS.get(authority.kind, authority.kind)})"
        if self.competence.acts_for is not None:
            text += f", pour le compte de {self.competence.acts_for.name}"
        return text


def offer_at(commune: Commune) -> list[tuple[Category, list[Offer]]]:
    """The integrated territorial offer: every service available online at `commune`, from
    whichever authority delivers it, grouped by category in catalogue order."""
    grouped: dict[int, tuple[Category, list[Offer]]] = {}
    for service, competence in services_at(commune):
        grouped.setdefault(service.category_id, (service.category, []))[1].append(
            Offer(service, competence)
        )
    return sorted(grouped.values(), key=lambda group: (group[0].position, group[0].name))


def offer_of(service: Service, commune: Commune) -> Offer:
    """Who delivers `service` at `commune` (check `.competence.available`)."""
    return Offer(service, who_handles(service, commune))


def sign_in_identity(email: str) -> Identity | None:
    """The e-mail identity a sign-in link for `email` would sign in.

    A verified identity proves one person; without one, the oldest declared identity (the
    first person who gave that address). Merged persons are skipped: their survivor is found
    through their own identities.
    """
    try:
        value = normalise_email(email)
    except IdentifierError:
        return None
    rank = Case(
        When(verification__gt=Verification.DECLARED, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        Identity.objects.filter(
            kind=Identity.Kind.EMAIL, value=value, person__merged_into__isnull=True
        )
        .select_related("person")
        .annotate(rank=rank)
        .order_by("rank", "created_at", "pk")
        .first()
    )


@dataclass(frozen=True)
class TimelineEntry:
    occurred_at: datetime
    label: str
    detail: str = ""
    note: str = ""
    kind: str = ""
    public_status: str = ""  # a status change: the generic status it moved the request into
    message_id: int | None = None  # the message the event wrote (a question to the person)


def public_timeline(request: Request) -> list[TimelineEntry]:
    """What the person may see of the request's history, in their words.

    A status change says its phase and step (« en cours — en cours de traitement »); its
    comment is shown with it, except when it was written as a message (a question to the
    person): the conversation shows that one, above the reply form.
    """
    workflow = workflow_for(request)
    entries = []
    for event in person_timeline(request):
        label = events.PUBLIC_LABELS.get(event.kind)
        if label is None:
            continue
        payload = event.payload or {}
        detail = note = status = ""
        message_id = payload.get("message") if event.kind == events.STATUS_CHANGED else None
        if event.kind == events.STATUS_CHANGED:
            status = _public_status(workflow, payload.get("target", ""))
            detail = phases.person_label(status) if status else ""
            step = phases.state_detail(workflow, payload.get("target", ""), for_person=True)
            detail = f"{detail} — {step}" if detail and step else detail
            note = "" if message_id else payload.get("note", "")
        elif event.kind == events.HANDED_OFF:
            detail = f"à {payload['to_authority']}" if payload.get("to_authority") else ""
        entries.append(
            TimelineEntry(
                event.occurred_at, label, detail, note, event.kind, status,
                message_id if isinstance(message_id, int) else None,
            )
        )  # fmt: skip
    return entries


def _public_status(workflow, state_name: str) -> str:
    try:
        return workflow.state(state_name).public_status
    except IllegalTransition:
        return ""


def public_service_name(request: Request) -> str:
    return service_name_of_request(request)


def public_answers(request: Request) -> list[Answer]:
    """The person's answers as the version of the form they filed spelled them (ADR 0027):
    its labels and choices, even after the service changed its form."""
    try:
        return answers(form_of_request(request), request.form_data or {}, [])
    except InvalidFormDefinition:
        return []
