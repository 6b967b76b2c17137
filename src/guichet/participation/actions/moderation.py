"""Moderation's writes: report a contribution, hide it with a reason, restore it, keep it,
accept it (pre-moderation), block or unblock its author. One event each (ADR 0041)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Model

from guichet.authorities.models import Authority
from guichet.core import clock, journal
from guichet.core.journal import Actor
from guichet.participation import moderation
from guichet.participation.models.moderation import Block, Report
from guichet.participation.refusals import Refused, clean_text
from guichet.people.models import Person

REPORTED = "participation.contribution-reported"
HIDDEN = "participation.contribution-hidden"
RESTORED = "participation.contribution-restored"
KEPT = "participation.contribution-kept"
ACCEPTED = "participation.contribution-accepted"
BLOCKED = "participation.author-blocked"
UNBLOCKED = "participation.author-unblocked"


def _payload(contribution: Model, **more) -> dict:
    return {"kind": moderation.kind_of(contribution), "id": contribution.pk, **more}


def _authority_id(contribution: Model) -> int | None:
    authority = moderation.authority_of(contribution)
    return authority.pk if authority is not None else None


@transaction.atomic
def report(*, contribution: Model, reason: object, reporter: Person | None = None) -> Report:
    """Anyone (signed in or not) reports a contribution, with a reason."""
    reason = clean_text(reason, field="reason", label="Motif du signalement", max_length=500)
    authority_id = _authority_id(contribution)
    if authority_id is None:
        raise Refused("Cette contribution ne peut pas être signalée.")
    row = Report.objects.create(
        authority_id=authority_id, kind=moderation.kind_of(contribution),
        object_id=contribution.pk, reason=reason, reporter=reporter, reported_at=clock.now(),
    )  # fmt: skip
    actor = Actor.person(reporter) if reporter is not None else Actor.system("visiteur anonyme")
    journal.append(
        kind=REPORTED, actor=actor, authority_id=authority_id, subject=row, channel="web",
        payload=_payload(contribution, report=row.pk),
    )  # fmt: skip
    return row


def _locked(contribution: Model) -> Model:
    return type(contribution).objects.select_for_update().get(pk=contribution.pk)


def _close_reports(contribution: Model, outcome: str) -> int:
    return Report.objects.filter(
        kind=moderation.kind_of(contribution), object_id=contribution.pk, outcome=""
    ).update(outcome=outcome, handled_at=clock.now())


@transaction.atomic
def hide(*, contribution: Model, by: Actor, reason: object) -> Model:
    """Hide the content; readers see the reason in its place. Open reports are closed."""
    reason = clean_text(reason, field="reason", label="Motif du masquage", max_length=300)
    contribution = _locked(contribution)
    if contribution.hidden_at is not None:
        raise Refused("Cette contribution est déjà masquée.")
    contribution.hidden_at, contribution.hidden_reason = clock.now(), reason
    contribution.save(update_fields=["hidden_at", "hidden_reason"])
    closed = _close_reports(contribution, Report.Outcome.HIDDEN)
    journal.append(
        kind=HIDDEN, actor=by, authority_id=_authority_id(contribution), subject=contribution,
        payload=_payload(contribution, reason=reason, reports=closed),
    )  # fmt: skip
    return contribution


@transaction.atomic
def restore(*, contribution: Model, by: Actor) -> Model:
    contribution = _locked(contribution)
    if contribution.hidden_at is None:
        raise Refused("Cette contribution n'est pas masquée.")
    contribution.hidden_at, contribution.hidden_reason = None, ""
    contribution.save(update_fields=["hidden_at", "hidden_reason"])
    journal.append(
        kind=RESTORED, actor=by, authority_id=_authority_id(contribution), subject=contribution,
        payload=_payload(contribution),
    )  # fmt: skip
    return contribution


@transaction.atomic
def keep(*, contribution: Model, by: Actor) -> int:
    """The moderator read the reports and keeps the contribution: they leave the queue."""
    closed = _close_reports(contribution, Report.Outcome.KEPT)
    if not closed:
        raise Refused("Aucun signalement à traiter sur cette contribution.")
    journal.append(
        kind=KEPT, actor=by, authority_id=_authority_id(contribution), subject=contribution,
        payload=_payload(contribution, reports=closed),
    )  # fmt: skip
    return closed


@transaction.atomic
def accept(*, contribution: Model, by: Actor) -> Model:
    """Pre-moderation: let a contribution held for moderation appear."""
    contribution = _locked(contribution)
    if not getattr(contribution, "awaiting_moderation", False):
        raise Refused("Cette contribution n'attend pas de modération.")
    contribution.awaiting_moderation = False
    contribution.save(update_fields=["awaiting_moderation"])
    journal.append(
        kind=ACCEPTED, actor=by, authority_id=_authority_id(contribution), subject=contribution,
        payload=_payload(contribution),
    )  # fmt: skip
    return contribution


@transaction.atomic
def block(*, authority: Authority, person: Person, by: Actor, reason: object) -> Block:
    """`person` can no longer contribute on `authority`'s consultations and petitions."""
    reason = clean_text(reason, field="reason", label="Motif du blocage", max_length=300)
    if moderation.is_blocked(person, authority):
        raise Refused("Cette personne est déjà bloquée.")
    row = Block.objects.create(
        authority=authority, person=person, reason=reason, blocked_at=clock.now()
    )
    journal.append(
        kind=BLOCKED, actor=by, authority_id=authority.pk, person_id=person.pk, subject=row,
        payload={"reason": reason},
    )  # fmt: skip
    return row


@transaction.atomic
def unblock(*, authority: Authority, person: Person, by: Actor) -> Block:
    row = (
        Block.objects.select_for_update()
        .filter(authority=authority, person=person, lifted_at__isnull=True)
        .first()
    )
    if row is None:
        raise Refused("Cette personne n'est pas bloquée.")
    row.lifted_at = clock.now()
    row.save(update_fields=["lifted_at"])
    journal.append(
        kind=UNBLOCKED,
        actor=by,
        authority_id=authority.pk,
        person_id=person.pk,
        subject=row,
    )
    return row
