"""Reads of petitions and obligations for the public pages and the back office."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from guichet.core import clock
from guichet.participation.models.petitions import Obligation, Petition, Signature

PUBLIC = (Petition.Status.OPEN, Petition.Status.CLOSED)


def public_petitions() -> QuerySet[Petition]:
    """Petitions anyone sees: accepted by moderation (open or closed); hidden ones stay listed
    with the moderators' notice in place of their content."""
    return (
        Petition.objects.filter(status__in=PUBLIC)
        .select_related("authority", "obligation")
        .order_by("status", "-opens_at", "-id")
    )


def petition_for(pk: int, person=None) -> Petition | None:
    """The petition `pk` if public, or if `person` started it (pending or refused)."""
    visible = Q(status__in=PUBLIC)
    if person is not None:
        visible |= Q(initiator=person)
    return (
        Petition.objects.filter(visible, pk=pk)
        .select_related("authority", "initiator")
        .prefetch_related("communes")
        .first()
    )


def has_signed(petition: Petition, person) -> bool:
    return (
        person is not None and Signature.objects.filter(petition=petition, person=person).exists()
    )


def obligation_of(petition: Petition) -> Obligation | None:
    return Obligation.objects.filter(petition=petition).first()


def public_obligations() -> list[Obligation]:
    """Every obligation, the late ones first, then by due date."""
    rows = list(
        Obligation.objects.filter(petition__status__in=PUBLIC)
        .select_related("petition", "authority")
        .order_by("due_at", "id")
    )
    return sorted(rows, key=lambda o: (not o.is_late or o.answered_at is not None, o.due_at))


def late_obligations(authority_ids=None) -> QuerySet[Obligation]:
    rows = Obligation.objects.filter(answered_at__isnull=True, due_at__lt=clock.now())
    if authority_ids is not None:
        rows = rows.filter(authority_id__in=authority_ids)
    return rows


def for_agents(authority_ids) -> QuerySet[Petition]:
    return (
        Petition.objects.filter(authority_id__in=authority_ids)
        .select_related("authority", "initiator", "obligation")
        .order_by("-created_at", "-id")
    )
