"""External accounts (FranceConnect): signing a person in by an account the State vouches for,
attaching what they filed earlier with the same e-mail, and unlinking the account.

A provider (the `identity` app) only proves who signs in; what that proof changes on the
citizen record is decided here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from guichet.core import journal, rows
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
    e-mail first, else the first record that gave that address and proves nobody else by a
    verified identity: who controls the mailbox can already sign in by an e-mail link); else
    created. Every other active record holding the
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
    known = _look_up(provider, subject, email)
    person, holds_account = _account_owner(known)
    created = False
    if person is None and email:
        person = _verified_email_owner(known)
        if person is None:  # the first record that gave it, unless it proves someone else
            mergeable, _ = _same_email_records(known, None)
            person = mergeable[0] if mergeable else None
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
    linked = not holds_account
    if linked:
        add_identity(
            actor=actor,
            person=person,
            kind=Identity.Kind.ACCOUNT,
            value=subject,
            provider=provider,
            verification=level,
        )
    changed = _fill_names(person, first_name, last_name)
    suspicions: list[DuplicateSuspicion] = []
    attached: list[int] = []
    if email:
        if created:  # its identities were written here, after the look-up
            at_level = person.identities.filter(
                kind=Identity.Kind.EMAIL, provider="", value=email, verification__gte=level
            ).exists()
        else:  # nothing wrote this person's e-mail identities since the look-up
            at_level = any(
                i.person_id == person.pk and i.verification >= level for i in known.emails
            )
        if not at_level:
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
        mergeable, proven = _same_email_records(known, person)
        for other in mergeable:
            merge_persons(actor=actor, survivor=person, merged=other)
            attached.append(other.pk)
        suspicions += [
            suspect_duplicate(
                actor=actor,
                person=person,
                candidate=other,
                reason="même courriel qu'un usager connecté par FranceConnect",
                score=0.85,
            )
            for other in proven
        ]
    if created:
        suspicions += _namesakes(actor, person)
    if attached or changed:
        person.refresh_from_db()  # the merge filled blanks, the names were written
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


@dataclass(frozen=True)
class _Known:
    """What one query tells, before anything is written, about the account and the e-mail a
    provider vouches for: the account's identities (best first) and every identity holding
    the e-mail (oldest first), each with its person."""

    accounts: list[Identity]
    emails: list[Identity]


# The look-up's two statements, compiled once (`core.rows`): a sign-in is a hot path.
_ACCOUNT = "kind = %s AND provider = %s AND value = %s"
_ACCOUNT_OR_EMAIL = f"({_ACCOUNT}) OR (kind = %s AND provider = '' AND value = %s)"


def _look_up(provider: str, subject: str, email: str | None) -> _Known:
    if email:
        found = rows.select(
            Identity, _ACCOUNT_OR_EMAIL,
            [Identity.Kind.ACCOUNT, provider, subject, Identity.Kind.EMAIL, email],
        )  # fmt: skip
    else:
        found = rows.select(Identity, _ACCOUNT, [Identity.Kind.ACCOUNT, provider, subject])
    ids = sorted({i.person_id for i in found})
    if ids:
        where = "id IN ({})".format(", ".join(["%s"] * len(ids)))
        persons = {p.pk: p for p in rows.select(Person, where, ids)}
        for identity in found:
            identity.person = persons[identity.person_id]
    return _Known(
        accounts=sorted(
            (i for i in found if i.kind == Identity.Kind.ACCOUNT),
            key=lambda i: (-i.verification, i.pk),
        ),
        emails=sorted((i for i in found if i.kind == Identity.Kind.EMAIL), key=lambda i: i.pk),
    )


def _account_owner(known: _Known) -> tuple[Person | None, bool]:
    """The person the account proves (the survivor of a merge), and whether that record holds
    the account itself."""
    if not known.accounts:
        return None, False
    identity = known.accounts[0]
    person = selectors.resolve(identity.person)
    return person, person.pk == identity.person_id


def _verified_email_owner(known: _Known) -> Person | None:
    identity = next((i for i in known.emails if i.verification > Verification.DECLARED), None)
    return selectors.resolve(identity.person) if identity else None


def _same_email_records(known: _Known, person: Person | None) -> tuple[list[Person], list[Person]]:
    """Other active records that gave the same address: those with no verified identity (to
    merge), and those with one (a verified phone or account proves someone: a suspicion for an
    agent, never a merge). Read from the look-up (only `person`'s identities were written
    since); no query when there is none, as on most sign-ins."""
    ids = {
        i.person_id
        for i in known.emails
        if i.person.merged_into_id is None and (person is None or i.person_id != person.pk)
    }
    if not ids:
        return [], []
    proven = set(
        Identity.objects.filter(
            person_id__in=ids, verification__gt=Verification.DECLARED
        ).values_list("person_id", flat=True)
    )
    others = list(Person.objects.filter(pk__in=ids).order_by("pk"))
    return [p for p in others if p.pk not in proven], [p for p in others if p.pk in proven]


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


def _fill_names(person: Person, first_name: str, last_name: str) -> bool:
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
    return bool(changed)


@transaction.atomic
def change_email(*, person: Person, email: str) -> Identity:
    """Replace the person's e-mail by `email`, which they just proved (a link sent there).

    The new address is verified at the e-mail level; the person's other e-mail addresses are
    removed (their notifications go to the new one). Raises IdentifierError for a malformed
    address, IdentityConflict when it is verified for someone else (nothing changes then). One event, `person.email_changed`, without the addresses.
    """
    return replace_contact(
        person=person,
        kind=Identity.Kind.EMAIL,
        value=normalise_email(email),
        verification=Verification.EMAIL_VERIFIED,
        event="person.email_changed",
    )


@transaction.atomic
def replace_contact(
    *, person: Person, kind: str, value: str, verification: Verification, event: str
) -> Identity:
    """The person's one e-mail address or phone number of `kind` becomes `value`, which they
    just proved, at `verification`; their other self-declared ones go (a provider's stay).
    One event, `event`, with how many went and the level, never the values."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    ensure_active(person)
    actor = Actor.person(person)
    identity = add_identity(
        actor=actor, person=person, kind=kind, value=value, verification=verification
    )
    removed, _ = person.identities.filter(kind=kind, provider="").exclude(pk=identity.pk).delete()
    journal.append(
        kind=event,
        actor=actor,
        channel="web",
        person_id=person.pk,
        subject=person,
        payload={"removed": removed, "verification": int(identity.verification)},
    )
    return identity
