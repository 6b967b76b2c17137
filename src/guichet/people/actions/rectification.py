"""Rectification (RGPD art. 16): the person corrects their name and address on « Mon compte »,
proves a new phone number by a code (`change_phone`), or an agent corrects the record for them.

What the State vouches for is not the person's to edit: the name of someone whose identity
FranceConnect verified comes from the State. Correcting self-declared data lowers nothing else
(an identity keeps its verification). The journal names the fields changed and the agent's
reason, never the old or new values: it outlives the data (erasure pseudonymises persons, not
payload texts it does not know about).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from guichet.core import journal
from guichet.core.journal import Actor
from guichet.core.models import ActorType
from guichet.people.actions.accounts import replace_contact
from guichet.people.actions.persons import add_identity, ensure_active, normalise_identity
from guichet.people.errors import PeopleError
from guichet.people.models import Identity, Person, Verification

# What `rectify_person` may change; the person edits only the first three themselves.
NAME_FIELDS = ("first_name", "last_name")
RESIDENT_FIELDS = (*NAME_FIELDS, "address")
AGENT_FIELDS = (*RESIDENT_FIELDS, "email", "phone")
LABELS = {
    "first_name": "prénom",
    "last_name": "nom",
    "address": "adresse",
    "email": "adresse électronique",
    "phone": "téléphone",
}
MAX_LENGTH = {"first_name": 120, "last_name": 120, "address": 300}
REASON_MAX = 300
STATE_NAME = (
    "Votre nom vient de FranceConnect : l'État l'a vérifié, il ne se modifie pas ici. "
    "S'il est inexact, il se corrige auprès de l'état civil, puis à votre prochaine connexion."
)


@dataclass(frozen=True)
class Rectification:
    person: Person
    changed: tuple[str, ...]  # the fields whose value changed (empty: nothing to do)


def name_from_the_state(person: Person) -> bool:
    """Whether FranceConnect vouches for the person's identity (their name is the State's)."""
    return person.identities.filter(
        kind=Identity.Kind.ACCOUNT, verification__gte=Verification.FRANCECONNECT
    ).exists()


def clean_text(value: object, field: str) -> str:
    """`value` stripped, or PeopleError in French (not text, control characters, too long)."""
    label = LABELS.get(field, field)
    if not isinstance(value, str):
        raise PeopleError(f"Le champ « {label} » doit être un texte.")
    value = " ".join(value.split())  # tabs and line breaks become single spaces
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise PeopleError(f"Le champ « {label} » contient des caractères de contrôle.")
    limit = MAX_LENGTH.get(field, REASON_MAX)
    if len(value) > limit:
        raise PeopleError(f"Le champ « {label} » dépasse {limit} caractères ({len(value)}).")
    return value


@transaction.atomic
def rectify_person(
    *,
    actor: Actor,
    person: Person,
    changes: dict[str, object],
    reason: str = "",
    channel: str = "",
) -> Rectification:
    """Correct `changes` (among AGENT_FIELDS for an agent, RESIDENT_FIELDS for the person) on
    an active record, in one event `person.rectified` (field names and reason only).

    An agent must give a reason. Nobody edits the name of a person FranceConnect verified.
    A new e-mail or phone typed by an agent replaces the old ones as declared (unproved)
    identities. Raises PeopleError (French) or IdentifierError; nothing is written then.
    """
    by_agent = actor.type != ActorType.PERSON  # an agent, or an administrator
    allowed = AGENT_FIELDS if by_agent else RESIDENT_FIELDS
    if unknown := sorted(set(changes) - set(allowed)):
        raise PeopleError(f"Champs non modifiables : {', '.join(unknown)}.")
    reason = clean_text(reason, "reason")
    if by_agent and not reason:
        raise PeopleError("Veuillez indiquer le motif de la rectification (demande de l'usager…).")
    person = Person.objects.select_for_update().get(pk=person.pk)
    ensure_active(person)
    texts = {f: clean_text(v, f) for f, v in changes.items() if f in MAX_LENGTH}
    identities = {
        f: normalise_identity(f, clean_text(v, f))
        for f, v in changes.items()
        if f in ("email", "phone") and clean_text(v, f)
    }
    changed = [f for f, v in texts.items() if getattr(person, f) != v]
    if any(f in NAME_FIELDS for f in changed):
        if name_from_the_state(person):
            raise PeopleError(
                STATE_NAME
                if not by_agent
                else "Le nom de cet usager vient de FranceConnect (identité vérifiée par "
                "l'État) : il ne se rectifie pas ici."
            )
        if not (
            texts.get("first_name", person.first_name) or texts.get("last_name", person.last_name)
        ):
            raise PeopleError("Veuillez indiquer au moins un nom ou un prénom.")
    for field in changed:
        setattr(person, field, texts[field])
    for kind, value in identities.items():
        current = person.identities.filter(kind=kind, provider="")
        if list(current.values_list("value", flat=True)) == [value]:
            continue
        kept = add_identity(actor=actor, person=person, kind=kind, value=value)
        current.exclude(pk=kept.pk).delete()
        changed.append(kind)
    if not changed:
        return Rectification(person=person, changed=())
    names = [f for f in changed if f in NAME_FIELDS]
    person.save(
        update_fields=[f for f in changed if f in MAX_LENGTH]
        + ([*Person.NAME_DERIVED] if names else [])
        + ["updated_at"]
    )
    journal.append(
        kind="person.rectified",
        actor=actor,
        channel=channel,
        person_id=person.pk,
        subject=person,
        payload={"fields": sorted(changed), "reason": reason, "by": str(actor.type)},
    )
    return Rectification(person=person, changed=tuple(sorted(changed)))


@transaction.atomic
def change_phone(*, person: Person, phone: str) -> Identity:
    """Replace the person's phone number by `phone`, which they just proved (a code sent there
    by SMS), at the SMS-verified level; their other numbers are removed. Raises
    IdentifierError, or IdentityConflict when it is verified for someone else (nothing
    changes then). One event, `person.phone_changed`, without the numbers."""
    return replace_contact(
        person=person,
        kind=Identity.Kind.PHONE,
        value=phone,
        verification=Verification.SMS_VERIFIED,
        event="person.phone_changed",
    )
