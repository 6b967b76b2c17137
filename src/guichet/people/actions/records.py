"""Corrections an administrator makes to a record: a person's details, an organisation's,
a household's name. Identities, consents and merges have their own actions."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from guichet.core import journal
from guichet.core.journal import Actor
from guichet.people.actions.persons import ensure_active
from guichet.people.errors import PeopleError
from guichet.people.identifiers import validate_rna, validate_siret
from guichet.people.models import Household, Organisation, Person

PERSON_FIELDS = ("first_name", "last_name", "category", "address", "commune", "household")
ORGANISATION_FIELDS = ("kind", "name", "siret", "rna", "commune")


@transaction.atomic
def change_person(*, actor: Actor, person: Person, **changes: Any) -> Person:
    """Apply `changes` (among PERSON_FIELDS) to an active person.

    Raises PeopleError for a merged record. The journal names the fields changed, never
    their values: it feeds analytics and open data.
    """
    if unknown := sorted(set(changes) - set(PERSON_FIELDS)):
        raise TypeError(f"fields not editable: {unknown}")
    person = Person.objects.select_for_update().get(pk=person.pk)
    ensure_active(person)
    for name, value in changes.items():
        setattr(person, name, value)
    person.full_clean(exclude=["merged_into"])
    person.save()
    journal.append(
        kind="person.changed",
        actor=actor,
        person_id=person.pk,
        subject=person,
        payload={"changed": sorted(changes), "category": person.category},
    )
    return person


@transaction.atomic
def change_organisation(
    *, actor: Actor, organisation: Organisation, **changes: Any
) -> Organisation:
    """Apply `changes` (among ORGANISATION_FIELDS) to `organisation`.

    Raises IdentifierError for an invalid SIRET or RNA, PeopleError for a number another
    organisation already has.
    """
    if unknown := sorted(set(changes) - set(ORGANISATION_FIELDS)):
        raise TypeError(f"fields not editable: {unknown}")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if "siret" in changes:
        changes["siret"] = validate_siret(changes["siret"]) if changes["siret"].strip() else ""
    if "rna" in changes:
        changes["rna"] = validate_rna(changes["rna"]) if changes["rna"].strip() else ""
    for field, label in (("siret", "SIRET"), ("rna", "RNA")):
        value = changes.get(field)
        other = value and Organisation.objects.filter(**{field: value}).exclude(pk=organisation.pk)
        if other and other.exists():
            raise PeopleError(f"Le numéro {label} {value} est déjà celui de « {other[0].name} ».")
    for name, value in changes.items():
        setattr(organisation, name, value)
    if not organisation.name.strip():
        raise PeopleError("Veuillez indiquer la raison sociale de l'organisation.")
    organisation.full_clean()
    organisation.save()
    journal.append(
        kind="organisation.changed",
        actor=actor,
        subject=organisation,
        payload={
            "changed": sorted(changes),
            "kind": organisation.kind,
            "siret": organisation.siret,
            "rna": organisation.rna,
        },
    )
    return organisation


@transaction.atomic
def save_household(*, actor: Actor, household: Household, name: str) -> Household:
    """Create or rename a household."""
    if not name.strip():
        raise PeopleError("Veuillez indiquer le nom du foyer.")
    created = household.pk is None
    household.name = name.strip()
    household.full_clean()
    household.save()
    journal.append(
        kind="household.created" if created else "household.changed",
        actor=actor,
        subject=household,
        payload={},
    )
    return household
