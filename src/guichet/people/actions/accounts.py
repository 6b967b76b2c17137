"""External accounts (FranceConnect): signing a person in by an account the State vouches for,
attaching what they filed earlier with the same e-mail, and unlinking the account.

A provider (the `identity` app) only proves who signs in; what that proof changes on the
citizen record is decided here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, IntegerField, Value, When

from guichet.core import journal
from guichet.core.journal import Actor
from guichet.people import selectors
from guichet.people.actions.merge import merge_persons
from guichet.people.actions.persons import (
    MAX_SUSPICIONS,
    add_identity,
    create_person,
    ensure_active,
    suspect_duplicate,
)
from guichet.people.errors import IdentityConflict, PeopleError
from guichet.people.identifiers import IdentifierError, fold, normalise_email
from guichet.people.models import DuplicateSuspicion, Identity, Person, Verification


@dataclass(frozen=True)
class AccountSignIn:
    """What signing in with an external account did."""

    person: Person
    created: bool  # a new person (nobody known by this account or e-mail)
    linked: bool  # the account was linked to the person now (first sign-in)
    attached: tuple[int, ...] = ()  # records with the same e-mail folded into `person`
    suspicions: tuple[DuplicateSuspicion, ...] = ()  # same name only: for an agent to decide


@transaction.atomic
def sign_in_with_account(
    *,
    provider: str,
    subject: str,
    email: str | None,
    first_name: str = "",
    last_name: str = "",
    level: int = Verification.FRANCECONNECT,
) -> AccountSignIn:
    """The person the account `subject` of `provider` proves, linked and raised to `level`.

    Found by the account itself, else by the e-mail the provider vouches for (a verified
    e-mail first, else the first person who gave that address: who controls the mailbox can
    already sign in by an e-mail link); else created. Every other active record holding the
    same e-mail is then merged into it (their requests and appointments follow), and a record
    with only the same name raises a duplicate suspicion for an agent, never a merge.
    """
    subject = subject.strip()
    if not subject:
        raise PeopleError("Le fournisseur d'identité n'a pas indiqué d'identifiant de compte.")
    try:
        email = normalise_email(email) if email else None
    except IdentifierError:
        email = None  # a provider's odd address proves nothing we can use
    system = Actor.system(provider)
    person = _account_owner(provider, subject)
    created = linked = False
    if person is None and email:
        person = _email_owner(email)
    if person is None:
        person = create_person(
            actor=system,
            first_name=first_name,
            last_name=last_name,
            email=email,
            verification=level,
            channel="web",
        )
        created = True
    actor = Actor.person(person)
    ensure_active(person)
    if not person.identities.filter(
        kind=Identity.Kind.ACCOUNT, provider=provider, value=subject
    ).exists():
        add_identity(
            actor=actor,
            person=person,
            kind=Identity.Kind.ACCOUNT,
            value=subject,
            provider=provider,
            verification=level,
        )
        linked = True
    _fill_names(person, first_name, last_name)
    suspicions: list[DuplicateSuspicion] = []
    attached: list[int] = []
    if email:
        try:
            add_identity(
                actor=actor,
                person=person,
                kind=Identity.Kind.EMAIL,
                value=email,
                verification=level,
            )
        except IdentityConflict as conflict:  # verified for someone else: an agent decides
            if conflict.suspicion is not None:
                suspicions.append(conflict.suspicion)
        for other in _same_email_records(email, person):
            merge_persons(actor=actor, survivor=person, merged=other)
            attached.append(other.pk)
    if created:
        suspicions += _namesakes(actor, person)
    person.refresh_from_db()
    journal.append(
        kind="person.account_signed_in",
        actor=actor,
        channel="web",
        person_id=person.pk,
        subject=person,
        payload={
            "provider": provider,
            "created": created,
            "linked": linked,
            "attached": attached,
            "suspected_duplicates": [s.candidate_id for s in suspicions],
        },
    )
    return AccountSignIn(
        person=person,
        created=created,
        linked=linked,
        attached=tuple(attached),
        suspicions=tuple(suspicions),
    )


@transaction.atomic
def unlink_account(*, person: Person, provider: str) -> int:
    """Remove the person's `provider` account: they sign in by it no more until they link it
    again. The e-mail it vouched for keeps the level an e-mail sign-in gives. Returns how many
    accounts were removed (0 when none was linked)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    ensure_active(person)
    accounts = person.identities.filter(kind=Identity.Kind.ACCOUNT, provider=provider)
    removed, _ = accounts.delete()
    if not removed:
        return 0
    lowered = person.identities.filter(
        kind=Identity.Kind.EMAIL, verification__gt=Verification.EMAIL_VERIFIED
    ).update(verification=Verification.EMAIL_VERIFIED)
    journal.append(
        kind="person.account_unlinked",
        actor=Actor.person(person),
        channel="web",
        person_id=person.pk,
        subject=person,
        payload={"provider": provider, "emails_lowered": lowered},
    )
    return removed


def _account_owner(provider: str, subject: str) -> Person | None:
    identity = (
        Identity.objects.filter(kind=Identity.Kind.ACCOUNT, provider=provider, value=subject)
        .select_related("person")
        .order_by("-verification", "pk")
        .first()
    )
    return selectors.resolve(identity.person) if identity else None


def _email_owner(email: str) -> Person | None:
    rank = Case(
        When(verification__gt=Verification.DECLARED, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    identity = (
        Identity.objects.filter(
            kind=Identity.Kind.EMAIL, provider="", value=email, person__merged_into__isnull=True
        )
        .select_related("person")
        .annotate(rank=rank)
        .order_by("rank", "created_at", "pk")
        .first()
    )
    return identity.person if identity else None


def _same_email_records(email: str, person: Person) -> list[Person]:
    """Other active records that gave the same address and are not verified as someone else
    (a verified identity proves another person: that is a suspicion, not a merge)."""
    others = (
        Person.objects.filter(
            merged_into__isnull=True,
            identities__kind=Identity.Kind.EMAIL,
            identities__provider="",
            identities__value=email,
        )
        .exclude(pk=person.pk)
        .exclude(identities__verification__gt=Verification.DECLARED)
        .distinct()
        .order_by("pk")
    )
    return list(others)


def _namesakes(actor: Actor, person: Person) -> list[DuplicateSuspicion]:
    folded = fold(f"{person.first_name} {person.last_name}")
    if not folded.strip():
        return []
    same_name = (
        Person.objects.filter(search_name=folded, merged_into__isnull=True)
        .exclude(pk=person.pk)
        .order_by("pk")[:MAX_SUSPICIONS]
    )
    return [
        suspect_duplicate(
            actor=actor,
            person=person,
            candidate=other,
            reason="même nom qu'un usager connecté par FranceConnect",
            score=0.6,
        )
        for other in same_name
    ]


def _fill_names(person: Person, first_name: str, last_name: str) -> None:
    """The State's names fill a record that has none (an agent's spelling is kept)."""
    changed = []
    if first_name and not person.first_name:
        person.first_name = first_name[:120]
        changed.append("first_name")
    if last_name and not person.last_name:
        person.last_name = last_name[:120]
        changed.append("last_name")
    if changed:
        person.save(update_fields=[*changed, *Person.NAME_DERIVED, "updated_at"])
