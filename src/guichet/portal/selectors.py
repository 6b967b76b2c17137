"""Reads the portal needs that no domain app offers as such (built on their public reads)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, IntegerField, Value, When

from guichet.authorities.competence import Competence, services_at, who_handles
from guichet.authorities.models import Authority
from guichet.cases import events
from guichet.cases.models import PublicStatus, Request
from guichet.cases.selectors import delay_estimate, person_timeline
from guichet.cases.workflow import IllegalTransition, workflow_for
from guichet.catalogue.models import Category, Service
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


def estimated_delay(service_id: int, authority_id: int) -> str | None:
    """ "entre 3 et 9 jours" from recent comparable requests, or None without enough of them."""
    estimate = delay_estimate(service_id, authority_id)
    return estimate.as_range() if estimate is not None else None


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


def public_timeline(request: Request) -> list[TimelineEntry]:
    """What the person may see of the request's history, in their words."""
    workflow = workflow_for(request.service)
    entries = []
    for event in person_timeline(request):
        label = events.PUBLIC_LABELS.get(event.kind)
        if label is None:
            continue
        payload = event.payload or {}
        detail = note = ""
        if event.kind == events.STATUS_CHANGED:
            detail = _public_status_label(workflow, payload.get("target", ""))
            note = payload.get("note", "")
        elif event.kind == events.HANDED_OFF:
            detail = f"à {payload['to_authority']}" if payload.get("to_authority") else ""
        entries.append(TimelineEntry(event.occurred_at, label, detail, note))
    return entries


def _public_status_label(workflow, state_name: str) -> str:
    try:
        return PublicStatus(workflow.state(state_name).public_status).label
    except (IllegalTransition, ValueError):
        return ""
