"""Businesses, associations and public bodies, and the persons acting for them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from guichet.core import journal
from guichet.core.journal import Actor
from guichet.people.errors import PeopleError
from guichet.people.identifiers import validate_rna, validate_siret
from guichet.people.models import Organisation, OrganisationRole, Person


@transaction.atomic
def create_organisation(
    *,
    actor: Actor,
    kind: str,
    name: str,
    siret: str = "",
    rna: str = "",
    commune: Any = None,
    members: Iterable[Person | tuple[Person, str]] = (),
) -> Organisation:
    """A new organisation; `members` are persons, or (person, role) pairs.

    Raises IdentifierError for an invalid SIRET or RNA, PeopleError for a SIRET or RNA that
    another organisation already has.
    """
    if kind not in Organisation.Kind.values:
        raise PeopleError(f"Nature d'organisation inconnue : « {kind} ».")
    name = name.strip()
    if not name:
        raise PeopleError("Veuillez indiquer la raison sociale de l'organisation.")
    siret = validate_siret(siret) if siret.strip() else ""
    rna = validate_rna(rna) if rna.strip() else ""
    _ensure_free("siret", siret, "SIRET")
    _ensure_free("rna", rna, "RNA")
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                kind=kind, name=name, siret=siret, rna=rna, commune=commune
            )
    except IntegrityError:
        # A concurrent creation took the number between our check and our insert.
        _ensure_free("siret", siret, "SIRET")
        _ensure_free("rna", rna, "RNA")
        raise
    roles = []
    for member in members:
        person, role = member if isinstance(member, tuple) else (member, "")
        if person.merged_into_id is not None:
            raise PeopleError(
                f"L'usager n° {person.pk} a été fusionné : choisissez l'usager actif."
            )
        roles.append(
            OrganisationRole.objects.get_or_create(
                person=person, organisation=organisation, defaults={"role": role}
            )[0]
        )
    journal.append(
        kind="organisation.created",
        actor=actor,
        subject=organisation,
        payload={
            "kind": kind,
            "siret": siret,
            "rna": rna,
            "members": [role.person_id for role in roles],
        },
    )
    return organisation


def _ensure_free(field: str, value: str, label: str) -> None:
    if not value:
        return
    other = Organisation.objects.filter(**{field: value}).first()
    if other is not None:
        raise PeopleError(f"Le numéro {label} {value} est déjà celui de « {other.name} ».")
