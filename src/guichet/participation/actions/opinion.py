"""The opinion map's writes: add a statement, vote on one, store a computed map.
One transaction and one `participation.*` event each (ADR 0041)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from guichet.core import clock, journal
from guichet.core.journal import Actor
from guichet.participation import eligibility, moderation
from guichet.participation.models.consultations import Consultation
from guichet.participation.models.opinion import (
    STATEMENT_MAX,
    GroupMembership,
    OpinionGroup,
    OpinionMap,
    Statement,
    Vote,
)
from guichet.participation.phases import Action
from guichet.participation.refusals import Refused, clean_text
from guichet.people.models import Person

STATEMENT_ADDED = "participation.statement-added"
STATEMENT_VOTED = "participation.statement-voted"
MAP_COMPUTED = "participation.opinion-map-computed"
STATEMENT_MIN = 10


def _allowed(person: Person, consultation: Consultation) -> None:
    try:
        eligibility.check(person, consultation, Action.VOTE_STATEMENT)
    except eligibility.NotAllowed as error:
        raise Refused(error.message) from error
    if moderation.is_blocked(person, consultation.authority):
        raise Refused("Les modérateurs ont suspendu vos contributions sur cette collectivité.")


@transaction.atomic
def add_statement(*, consultation: Consultation, person: Person, text: object) -> Statement:
    """A new statement by `person`; held for moderation when the consultation pre-moderates."""
    text = clean_text(text, field="text", label="Affirmation", max_length=STATEMENT_MAX)
    if len(text) < STATEMENT_MIN:
        raise Refused.field(
            "text", f"Affirmation : au moins {STATEMENT_MIN} caractères, une phrase courte."
        )
    _allowed(person, consultation)
    if Statement.objects.filter(consultation=consultation, text__iexact=text).exists():
        raise Refused.field("text", "Affirmation : cette affirmation a déjà été proposée.")
    try:
        with transaction.atomic():
            statement = Statement.objects.create(
                consultation=consultation,
                author=person,
                text=text,
                awaiting_moderation=consultation.premoderation,
            )
    except IntegrityError as error:
        raise Refused.field(
            "text", "Affirmation : cette affirmation a déjà été proposée."
        ) from error
    journal.append(
        kind=STATEMENT_ADDED, actor=Actor.person(person), authority_id=consultation.authority_id,
        subject=statement, channel="web",
        payload={"consultation": consultation.pk, "premoderated": consultation.premoderation},
    )  # fmt: skip
    return statement


@transaction.atomic
def vote(*, statement: Statement, person: Person, value: object) -> Vote:
    """`person`'s vote (1, -1 or 0) on `statement`; a second vote is refused, not counted."""
    try:
        value = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = None
    if value not in (-1, 0, 1):
        raise Refused.field("value", "Choisissez « d'accord », « pas d'accord » ou « je passe ».")
    consultation = statement.consultation
    if statement.is_hidden or statement.awaiting_moderation:
        raise Refused("Cette affirmation n'est pas ouverte au vote.")
    _allowed(person, consultation)
    try:
        with transaction.atomic():
            row = Vote.objects.create(
                consultation=consultation, statement=statement, person=person, value=value,
                voted_at=clock.now(),
            )  # fmt: skip
    except IntegrityError as error:
        raise Refused(
            "Vous avez déjà voté sur cette affirmation : votre premier vote compte."
        ) from error
    journal.append(
        kind=STATEMENT_VOTED, actor=Actor.person(person), authority_id=consultation.authority_id,
        subject=statement, channel="web", payload={"consultation": consultation.pk},
    )  # fmt: skip
    return row


@transaction.atomic
def store_map(*, consultation: Consultation, result, person_ids, statement_ids, votes_through):
    """Replace the consultation's map by `result` (an `opinion.compute.OpinionMap` over the
    rows `person_ids` and columns `statement_ids`). Called by the background task only."""
    OpinionMap.objects.filter(consultation=consultation).delete()
    stored = OpinionMap.objects.create(
        consultation=consultation, computed_at=clock.now(), votes_through=votes_through,
        votes=int(result.seen.sum()) if result.k else 0,
        participants=int((result.labels >= 0).sum()), silhouette=result.silhouette,
        statements=[
            {
                "statement": int(sid), "consensus": float(result.consensus[j]),
                "groups": [
                    {"agree": int(result.agree[g, j]), "disagree": int(result.disagree[g, j]),
                     "seen": int(result.seen[g, j])}
                    for g in range(result.k)
                ],
            }
            for j, sid in enumerate(statement_ids)
        ],
    )  # fmt: skip
    groups = OpinionGroup.objects.bulk_create(
        [
            OpinionGroup(
                map=stored,
                number=g,
                size=int((result.labels == g).sum()),
                representatives=[
                    {
                        "statement": int(statement_ids[r.statement]),
                        "direction": r.direction,
                        "share": round(r.share, 3),
                        "ratio": round(r.ratio, 3),
                    }
                    for r in result.representatives[g]
                ],
            )  # fmt: skip
            for g in range(result.k)
        ]
    )
    members = [
        GroupMembership(
            group=groups[label],
            person_id=int(person_ids[i]),
            x=float(result.coordinates[i, 0]),
            y=float(result.coordinates[i, 1]),
        )  # fmt: skip
        for i, label in enumerate(result.labels.tolist())
        if label >= 0
    ]
    GroupMembership.objects.bulk_create(members, batch_size=2000)
    journal.append(
        kind=MAP_COMPUTED, actor=Actor.system("carte des opinions"),
        authority_id=consultation.authority_id, subject=stored,
        payload={"consultation": consultation.pk, "groups": result.k,
                 "participants": len(members)},
    )  # fmt: skip
    return stored
