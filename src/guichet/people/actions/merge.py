"""Merging two records of the same person into one, keeping both histories."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from guichet.core import journal
from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.people.errors import MergeRefused
from guichet.people.models import (
    DuplicateSuspicion,
    Identity,
    NotificationPreference,
    OrganisationRole,
    Person,
)

# Fields the survivor takes from the merged record when it has none of its own.
_FILLABLE = ["first_name", "last_name", "address", "commune", "household"]


@transaction.atomic
def merge_persons(*, actor: Actor, survivor: Person, merged: Person) -> Person:
    """Fold `merged` into `survivor`: every row pointing to `merged` then points to `survivor`.

    The rows are found through `Person._meta.related_objects`, so foreign keys that other apps
    add later (requests, appointments) move too. A row that would break a unique constraint is
    settled by the model's rule (identities keep the best verification, preferences and
    organisation roles keep the survivor's); without a rule it stays on `merged`, which keeps
    its row with `merged_into` set so that old references still resolve. The journal's events
    of `merged` are re-attributed to `survivor`. Raises MergeRefused.
    """
    if survivor.pk == merged.pk:
        raise MergeRefused("Impossible de fusionner un usager avec lui-même.")
    survivor, merged = _locked_pair(survivor.pk, merged.pk)
    for person in (merged, survivor):
        if person.merged_into_id is not None:
            raise MergeRefused(
                f"L'usager n° {person.pk} a déjà été fusionné dans l'usager "
                f"n° {person.merged_into_id}."
            )

    closed = _close_pair_suspicions(survivor, merged)
    report: dict[str, dict[str, int]] = {"moved": {}, "dropped": {}, "kept_on_merged": {}}
    for relation in person_relations():
        for outcome, count in _move_rows(
            relation.related_model, relation.field, survivor, merged
        ).items():
            if count:
                label = relation.related_model._meta.label_lower
                report[outcome][label] = report[outcome].get(label, 0) + count
    _fill_blanks(survivor, merged)
    events_moved = Event.objects.filter(person_id=merged.pk).update(person_id=survivor.pk)
    merged.merged_into = survivor
    merged.save(update_fields=["merged_into", "updated_at"])

    journal.append(
        kind="person.merged",
        actor=actor,
        person_id=survivor.pk,
        subject=survivor,
        payload={
            "merged": merged.pk,
            "events_moved": events_moved,
            "suspicions_closed": closed,
            **report,
        },
    )
    return survivor


def _locked_pair(survivor_pk: int, merged_pk: int) -> tuple[Person, Person]:
    """Both records read again under a row lock held until the merge commits: a merge of the
    same pair (either way) waits here, then sees the outcome of the first one."""
    # Lock in primary-key order so that two merges of the same pair cannot deadlock.
    locked = {
        person.pk: person
        for person in Person.objects.select_for_update()
        .filter(pk__in=[survivor_pk, merged_pk])
        .order_by("pk")
    }
    return locked[survivor_pk], locked[merged_pk]


def _close_pair_suspicions(survivor: Person, merged: Person) -> list[int]:
    pair = DuplicateSuspicion.objects.filter(
        Q(person=survivor, candidate=merged) | Q(person=merged, candidate=survivor),
        status=DuplicateSuspicion.Status.OPEN,
    )
    closed = list(pair.values_list("pk", flat=True))
    pair.update(status=DuplicateSuspicion.Status.MERGED, resolved_at=timezone.now())
    return closed


def person_relations() -> list[Any]:
    """Every foreign key to Person, seen from Person: what a merge has to move.

    `Person._meta.related_objects` leaves out hidden relations (`related_name="+"`, and the
    foreign keys of automatic many-to-many tables), so we ask for those too; many-to-many
    relations themselves are skipped because their table's foreign key is in the list.
    """
    return [
        field
        for field in Person._meta.get_fields(include_hidden=True)
        if field.auto_created and not field.concrete and not field.many_to_many
    ]


def _move_rows(
    model: type[models.Model], field: models.Field[Any, Any], survivor: Person, merged: Person
) -> dict[str, int]:
    rows = model._base_manager.filter(**{field.name: merged})
    # A row linking the two records to each other (a suspicion about this very pair) describes
    # the merge itself: moving it would link the survivor to itself.
    for other in _other_person_fields(model, field):
        rows = rows.exclude(**{other.name: survivor})
    unique_sets = _unique_sets(model, field)
    if not unique_sets:
        return {"moved": rows.update(**{field.name: survivor})}

    dropped = kept = 0
    movable = []
    for row in rows:
        twin = _twin(model, field, row, unique_sets, survivor)
        if twin is None:
            movable.append(row.pk)
        elif _conflict_rule(model)(twin, row):
            dropped += 1
        else:
            kept += 1
    moved = model._base_manager.filter(pk__in=movable).update(**{field.name: survivor})
    return {"moved": moved, "dropped": dropped, "kept_on_merged": kept}


def _other_person_fields(
    model: type[models.Model], field: models.Field[Any, Any]
) -> list[models.Field[Any, Any]]:
    return [
        f
        for f in model._meta.fields
        if f.is_relation and f.related_model is Person and f.name != field.name
    ]


def _unique_sets(model: type[models.Model], field: models.Field[Any, Any]) -> list[tuple[str, ...]]:
    """The other fields of every unique constraint on `field` (conditional ones included)."""
    if field.unique:
        return [()]
    sets = [tuple(together) for together in model._meta.unique_together]
    sets += [
        tuple(constraint.fields)
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields
    ]
    return [
        tuple(name for name in fields if name != field.name)
        for fields in sets
        if field.name in fields
    ]


def _twin(
    model: type[models.Model],
    field: models.Field[Any, Any],
    row: models.Model,
    unique_sets: list[tuple[str, ...]],
    survivor: Person,
) -> models.Model | None:
    """The survivor's row that `row` would collide with once moved, if any."""
    for others in unique_sets:
        lookup = {name: getattr(row, _attname(model, name)) for name in others}
        twin = model._base_manager.filter(**{field.name: survivor}, **lookup).first()
        if twin is not None:
            return twin
    return None


def _attname(model: type[models.Model], name: str) -> str:
    """The attribute of the column `name` (`commune_id` for `commune`): no query to read it."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model._meta.label}.{name} is not a column")
    return field.attname


# A conflict rule settles a collision between the survivor's row and the merged one's:
# it returns True when it deleted the merged row, False when it left it on the merged person.
ConflictRule = Callable[[Any, Any], bool]


def _keep_on_merged(_survivors: Any, _merged: Any) -> bool:
    return False


def _keep_best_identity(survivors: Identity, merged: Identity) -> bool:
    merged.delete()  # first: the verified value must be free before the survivor's takes it
    if merged.verification > survivors.verification:
        survivors.verification = merged.verification
        survivors.verified_at = merged.verified_at
        survivors.save(update_fields=["verification", "verified_at"])
    return True


def _keep_survivors(_survivors: Any, merged: Any) -> bool:
    merged.delete()
    return True


def _keep_one_role(survivors: OrganisationRole, merged: OrganisationRole) -> bool:
    if not survivors.role and merged.role:
        survivors.role = merged.role
        survivors.save(update_fields=["role"])
    merged.delete()
    return True


_CONFLICT_RULES: dict[type[models.Model], ConflictRule] = {
    Identity: _keep_best_identity,
    NotificationPreference: _keep_survivors,
    OrganisationRole: _keep_one_role,
}


def _conflict_rule(model: type[models.Model]) -> ConflictRule:
    if model._meta.auto_created:
        return _keep_survivors  # a plain many-to-many link: both rows say the same thing
    return _CONFLICT_RULES.get(model, _keep_on_merged)


def _fill_blanks(survivor: Person, merged: Person) -> None:
    filled = []
    for name in _FILLABLE:
        attname = _attname(Person, name)
        if not getattr(survivor, attname) and getattr(merged, attname):
            setattr(survivor, attname, getattr(merged, attname))
            filled.append(name)
    if filled:
        if {"first_name", "last_name"} & set(filled):
            filled += Person.NAME_DERIVED
        survivor.save(update_fields=[*filled, "updated_at"])
