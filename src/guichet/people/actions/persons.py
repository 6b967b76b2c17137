"""Creating persons, recognising them by their identities, and flagging likely duplicates."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from guichet.core import journal, rows
from guichet.core.journal import Actor
from guichet.people import selectors
from guichet.people.errors import IdentityConflict, PeopleError
from guichet.people.identifiers import IdentifierError, normalise_email, normalise_phone
from guichet.people.models import Category, DuplicateSuspicion, Identity, Person, Verification

# How many suspicions one new record may raise: beyond that an agent cannot review them anyway.
MAX_SUSPICIONS = 5

_KIND_LABELS: dict[str, str] = {
    Identity.Kind.EMAIL: "Ce courriel",
    Identity.Kind.PHONE: "Ce numéro de téléphone",
    Identity.Kind.ACCOUNT: "Ce compte",
}


@dataclass(frozen=True)
class MatchResult:
    """What `find_or_create_person` did: found `person`, or created it (maybe as a suspect).

    `choices` are the notification choices of a person created here (its identities, no
    consent, no preference), for the caller to pass on in the same transaction rather than
    have them read back; None for a person found (read them: they may have changed).
    """

    person: Person
    created: bool
    suspicion: DuplicateSuspicion | None = None
    suspicions: tuple[DuplicateSuspicion, ...] = ()
    choices: selectors.NotificationChoices | None = None


def normalise_identity(kind: str, value: str) -> str:
    """The stored form of `value` for an identity of `kind`; raises IdentifierError."""
    if kind == Identity.Kind.EMAIL:
        return normalise_email(value)
    if kind == Identity.Kind.PHONE:
        return normalise_phone(value)
    if kind == Identity.Kind.ACCOUNT:
        if not isinstance(value, str) or not value.strip():
            raise IdentifierError("Veuillez indiquer l'identifiant du compte.")
        return value.strip()
    raise IdentifierError(f"Nature d'identifiant inconnue : « {kind} ».")


def identity_level(kind: str, verification: int) -> int:
    """The level a check gives to an identity of `kind`.

    A confirmed e-mail proves nothing about the phone number typed in the same form, and an SMS
    code nothing about the e-mail; a counter check or FranceConnect vouches for both.
    """
    if verification == Verification.EMAIL_VERIFIED and kind != Identity.Kind.EMAIL:
        return Verification.DECLARED
    if verification == Verification.SMS_VERIFIED and kind != Identity.Kind.PHONE:
        return Verification.DECLARED
    return verification


@transaction.atomic
def create_person(
    *,
    actor: Actor,
    first_name: str,
    last_name: str,
    category: str = Category.RESIDENT,
    email: str | None = None,
    phone: str | None = None,
    address: str = "",
    commune: Any = None,
    verification: int = Verification.DECLARED,
    channel: str = "",
) -> Person:
    """A new person with the given e-mail and phone as identities, without any matching.

    Raises IdentifierError for a malformed e-mail or phone, IdentityConflict when a verified
    identity already belongs to someone else.
    """
    identities = _identities(email=email, phone=phone, verification=verification)
    person, _ = _insert_person(
        identities,
        first_name=first_name,
        last_name=last_name,
        category=category,
        address=address,
        commune=commune,
    )
    _append_created(actor, person, identities, verification, channel, suspicions=())
    return person


def find_or_create_person(
    *,
    actor: Actor,
    email: str | None = None,
    phone: str | None = None,
    first_name: str = "",
    last_name: str = "",
    verification: int = Verification.DECLARED,
    channel: str = "",
    **details: Any,
) -> MatchResult:
    """The person these identities prove, or a new one.

    Only a verified identity matching a verified identity finds an existing person. Anything
    weaker that looks like someone we know (same e-mail or phone, or a very similar name in the
    same commune) creates a new person and a DuplicateSuspicion for an agent to decide: a typed
    e-mail address proves nothing, and merging on it would hand a stranger someone's history.
    `details` are `category`, `address` and `commune`, used when a person is created.
    """
    identities = _identities(email=email, phone=phone, verification=verification)
    for kind, value, level in identities:
        if level > Verification.DECLARED:
            owner = _verified_owner(kind, value)
            if owner is not None:
                return MatchResult(person=selectors.resolve(owner), created=False)
    candidates = selectors.duplicate_candidates(
        first_name=first_name,
        last_name=last_name,
        email=_value_of(identities, Identity.Kind.EMAIL),
        phone=_value_of(identities, Identity.Kind.PHONE),
        commune=details.get("commune"),
    )
    # Everything above only read: the writes join the caller's transaction without a
    # savepoint of their own. Only a verified identity can collide with someone else's:
    # declared ones need no savepoint to recover from either.
    verified = any(level > Verification.DECLARED for _, _, level in identities)
    with transaction.atomic(savepoint=False):
        try:
            with transaction.atomic() if verified else nullcontext():
                person, attached = _insert_person(
                    identities, first_name=first_name, last_name=last_name, **details
                )
        except IdentityConflict as conflict:
            # Another request verified the same identity between our lookup and our insert.
            return MatchResult(person=selectors.resolve(conflict.owner), created=False)
        # The person is new: no suspicion can exist for it yet (mostly none or one to write).
        suspicions = tuple(
            rows.insert(DuplicateSuspicion(person=person, candidate_id=c.person_id,
                                           reason=c.reason[:300], score=c.score))
            for c in candidates[:MAX_SUSPICIONS]
        )  # fmt: skip
        _append_created(actor, person, identities, verification, channel, suspicions=suspicions)
    return MatchResult(
        person=person,
        created=True,
        suspicion=suspicions[0] if suspicions else None,
        suspicions=suspicions,
        choices=selectors.new_person_choices(attached),
    )


def add_identity(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    value: str,
    provider: str = "",
    verification: int = Verification.DECLARED,
) -> Identity:
    """Attach an identity to `person` (an existing one is returned, raised to `verification`).

    When `value` is already verified for someone else, a DuplicateSuspicion is recorded and
    IdentityConflict raised; if the caller's own transaction then rolls back, so does the
    suspicion.
    """
    outcome = _add_identity(
        actor=actor,
        person=person,
        kind=kind,
        value=value,
        provider=provider,
        verification=verification,
    )
    if isinstance(outcome, DuplicateSuspicion):
        raise _conflict_error(kind, outcome)
    return outcome


def verify_identity(*, actor: Actor, identity: Identity, level: int) -> Identity:
    """Raise `identity` to the verification `level` (never lowers it).

    Raises IdentityConflict (after recording a DuplicateSuspicion) when the same value is
    already verified for another person: that is a duplicate to review, not an identity to steal.
    """
    outcome = _verify_identity(actor=actor, identity=identity, level=level)
    if isinstance(outcome, DuplicateSuspicion):
        raise _conflict_error(identity.kind, outcome)
    return outcome


@transaction.atomic
def suspect_duplicate(
    *, actor: Actor, person: Person, candidate: Person, reason: str, score: float = 0.0
) -> DuplicateSuspicion:
    """Ask an agent to review whether `person` and `candidate` are one (idempotent per pair)."""
    if person.pk == candidate.pk:
        raise PeopleError("Un usager ne peut pas être le doublon de lui-même.")
    existing = DuplicateSuspicion.objects.filter(
        Q(person=person, candidate=candidate) | Q(person=candidate, candidate=person)
    ).first()
    if existing is not None:
        return existing
    suspicion = _open_suspicion(person=person, candidate=candidate, reason=reason, score=score)
    journal.append(
        kind="person.duplicate_suspected",
        actor=actor,
        person_id=person.pk,
        subject=suspicion,
        payload={"candidate": candidate.pk, "reason": reason, "score": score},
    )
    return suspicion


@transaction.atomic
def dismiss_suspicion(*, actor: Actor, suspicion: DuplicateSuspicion) -> DuplicateSuspicion:
    """Record an agent's decision that the two records are different people."""
    suspicion = DuplicateSuspicion.objects.select_for_update().get(pk=suspicion.pk)
    if suspicion.status != DuplicateSuspicion.Status.OPEN:
        raise PeopleError("Ce doublon présumé a déjà été traité.")
    suspicion.status = DuplicateSuspicion.Status.DISMISSED
    suspicion.resolved_at = timezone.now()
    suspicion.save(update_fields=["status", "resolved_at"])
    journal.append(
        kind="person.duplicate_dismissed",
        actor=actor,
        person_id=suspicion.person_id,
        subject=suspicion,
        payload={"candidate": suspicion.candidate_id},
    )
    return suspicion


# --- inside the transactions -----------------------------------------------------------------


# An identity with its kind, its stored value and its verification level.
_NewIdentity = tuple[str, str, int]


@transaction.atomic
def _add_identity(
    *, actor: Actor, person: Person, kind: str, value: str, provider: str, verification: int
) -> Identity | DuplicateSuspicion:
    ensure_active(person)
    value = normalise_identity(kind, value)
    existing = person.identities.filter(kind=kind, provider=provider, value=value).first()
    if existing is not None:
        if verification > existing.verification:
            return _verify_identity(actor=actor, identity=existing, level=verification)
        return existing
    try:
        identity = _attach(person, kind, value, provider, verification)
    except IdentityConflict as conflict:
        return _flag_conflict(actor, person, conflict.owner, kind)
    journal.append(
        kind="person.identity_added",
        actor=actor,
        person_id=person.pk,
        subject=identity,
        payload={"identity_kind": kind, "provider": provider, "verification": verification},
    )
    return identity


@transaction.atomic
def _verify_identity(
    *, actor: Actor, identity: Identity, level: int
) -> Identity | DuplicateSuspicion:
    if level <= Verification.DECLARED:
        raise PeopleError("Une vérification doit dépasser le niveau « déclaré ».")
    identity = Identity.objects.select_for_update().select_related("person").get(pk=identity.pk)
    ensure_active(identity.person)
    if level <= identity.verification:
        return identity
    owner = _verified_owner(
        identity.kind, identity.value, identity.provider, not_of=identity.person
    )
    if owner is not None:
        return _flag_conflict(actor, identity.person, owner, identity.kind)
    previous = identity.verification
    identity.verification = level
    identity.verified_at = timezone.now()
    try:
        with transaction.atomic():
            identity.save(update_fields=["verification", "verified_at"])
    except IntegrityError:
        owner = _verified_owner(identity.kind, identity.value, identity.provider)
        if owner is None:
            raise
        return _flag_conflict(actor, identity.person, owner, identity.kind)
    journal.append(
        kind="person.identity_verified",
        actor=actor,
        person_id=identity.person_id,
        subject=identity,
        payload={"identity_kind": identity.kind, "from": previous, "to": int(level)},
    )
    return identity


def _flag_conflict(actor: Actor, person: Person, owner: Person, kind: str) -> DuplicateSuspicion:
    label = _KIND_LABELS.get(kind, "Cet identifiant").lower()
    return suspect_duplicate(
        actor=actor,
        person=person,
        candidate=selectors.resolve(owner),
        reason=f"{label} est déjà vérifié pour l'autre usager",
        score=1.0,
    )


def _conflict_error(kind: str, suspicion: DuplicateSuspicion) -> IdentityConflict:
    label = _KIND_LABELS.get(kind, "Cet identifiant")
    return IdentityConflict(
        f"{label} est déjà vérifié pour un autre usager (n° {suspicion.candidate_id}) : "
        "un doublon présumé a été signalé pour qu'un agent le traite.",
        owner=suspicion.candidate,
        suspicion=suspicion,
    )


def _identities(*, email: str | None, phone: str | None, verification: int) -> list[_NewIdentity]:
    found: list[tuple[str, str]] = []
    if email:
        found.append((Identity.Kind.EMAIL, normalise_email(email)))
    if phone:
        found.append((Identity.Kind.PHONE, normalise_phone(phone)))
    return [(kind, value, identity_level(kind, verification)) for kind, value in found]


def _value_of(identities: Sequence[_NewIdentity], kind: str) -> str | None:
    return next((value for k, value, _ in identities if k == kind), None)


def _insert_person(
    identities: Sequence[_NewIdentity], **fields: Any
) -> tuple[Person, list[Identity]]:
    person = Person(**fields)
    person.fill_search_columns()
    rows.insert(person)  # what save() would write, without its per-call SQL compilation
    return person, [_attach(person, kind, value, "", level) for kind, value, level in identities]


def _attach(person: Person, kind: str, value: str, provider: str, level: int) -> Identity:
    """Insert the identity; raises IdentityConflict when a verified one proves someone else."""
    verified = level > Verification.DECLARED
    if verified:
        owner = _verified_owner(kind, value, provider)
        if owner is not None:
            raise _plain_conflict(kind, owner)
    try:
        # A declared identity breaks no uniqueness but "once per person", which the callers
        # check first: no savepoint for it.
        with transaction.atomic() if verified else nullcontext():
            return rows.insert(
                Identity(
                    person=person,
                    kind=kind,
                    value=value,
                    provider=provider,
                    verification=level,
                    verified_at=timezone.now() if level > Verification.DECLARED else None,
                )
            )
    except IntegrityError:
        if not verified:  # a race on "once per person": nothing to recover
            raise
        # The unique constraint on verified identities won a race against our lookup.
        owner = _verified_owner(kind, value, provider)
        if owner is None:
            raise
        raise _plain_conflict(kind, owner) from None


def _plain_conflict(kind: str, owner: Person) -> IdentityConflict:
    label = _KIND_LABELS.get(kind, "Cet identifiant")
    return IdentityConflict(
        f"{label} est déjà vérifié pour un autre usager (n° {owner.pk}).", owner=owner
    )


def _verified_owner(
    kind: str, value: str, provider: str = "", not_of: Person | None = None
) -> Person | None:
    identities = Identity.objects.filter(
        kind=kind, provider=provider, value=value, verification__gt=Verification.DECLARED
    )
    if not_of is not None:
        identities = identities.exclude(person=not_of)
    identity = identities.select_related("person").first()
    return identity.person if identity else None


def _open_suspicion(
    *, person: Person, candidate: Person, reason: str, score: float
) -> DuplicateSuspicion:
    suspicion, _ = DuplicateSuspicion.objects.get_or_create(
        person=person, candidate=candidate, defaults={"reason": reason[:300], "score": score}
    )
    return suspicion


def ensure_active(person: Person) -> None:
    """Refuse writes on a merged record: they belong on the survivor."""
    if person.merged_into_id is not None:
        raise PeopleError(
            f"L'usager n° {person.pk} a été fusionné dans l'usager n° {person.merged_into_id} : "
            "modifiez plutôt ce dernier."
        )


def _append_created(
    actor: Actor,
    person: Person,
    identities: Sequence[_NewIdentity],
    verification: int,
    channel: str,
    *,
    suspicions: Sequence[DuplicateSuspicion],
) -> None:
    # No e-mail or phone in the payload: the journal feeds analytics and open data.
    journal.append(
        kind="person.created",
        actor=actor,
        channel=channel,
        person_id=person.pk,
        subject=person,
        payload={
            "category": person.category,
            "verification": int(verification),
            "identities": [kind for kind, _, _ in identities],
            "suspected_duplicates": [s.candidate_id for s in suspicions],
        },
    )
