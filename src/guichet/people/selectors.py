"""Reads on the citizen record: search, the 360° view, duplicates, notification choices."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from rapidfuzz import fuzz, process

from guichet.core.models import Event
from guichet.people.identifiers import (
    IdentifierError,
    fold,
    looks_like_phone,
    name_keys,
    normalise_email,
    normalise_phone,
)
from guichet.people.models import (
    Consent,
    DuplicateSuspicion,
    Identity,
    NotificationPreference,
    OrganisationRole,
    Person,
)

# token_sort_ratio of folded full names from which two records in one commune look alike:
# "Jean Dupont" / "Jean Dupond" scores 91, "Jean Dupont" / "Jeanne Dupuis" 75.
NAME_SIMILARITY = 90


def resolve(person: Person) -> Person:
    """The record that survives `person`: itself, or the one it was merged into."""
    seen: set[int] = set()
    # (`merged_into` is None without a query when `merged_into_id` is.)
    while person.pk not in seen and (survivor := person.merged_into) is not None:
        seen.add(person.pk)
        person = survivor
    return person


def search_persons(query: str, *, among: QuerySet[Person], limit: int = 20) -> list[Person]:
    """Active persons of `among` whose name, e-mail or phone (in any format) matches `query`.

    `among` is who the reader may see: `people.access.visible_persons(...)` for an agent, every
    person only for the platform's administration."""
    text = (query or "").strip()
    if not text:
        return []
    if "@" in text:
        try:
            condition = _identity_is(Identity.Kind.EMAIL, normalise_email(text))
        except IdentifierError:
            condition = Q(
                identities__kind=Identity.Kind.EMAIL, identities__value__contains=text.lower()
            )
    elif looks_like_phone(text):
        try:
            condition = _identity_is(Identity.Kind.PHONE, normalise_phone(text))
        except IdentifierError:
            return []
    else:
        words = fold(text).split()
        if not words:
            return []
        condition = Q()
        for word in words:
            condition &= Q(search_name__contains=word)
    persons = among.filter(condition, merged_into__isnull=True).distinct()
    return list(persons[:limit])


@dataclass(frozen=True)
class Person360:
    """Everything we know about one person, for the agent's screen."""

    person: Person
    identities: list[Identity]
    organisation_roles: list[OrganisationRole]
    consents: dict[str, Consent]
    preferences: list[NotificationPreference]
    suspicions: list[DuplicateSuspicion]
    merged_from: list[Person]
    events: list[Event]


def person_360(person: Person) -> Person360:
    """The 360° view of `person`: identities, organisations, choices, duplicates and journal."""
    return Person360(
        person=person,
        identities=list(person.identities.order_by("kind", "-verification", "value")),
        organisation_roles=list(
            person.organisation_roles.select_related("organisation").order_by("organisation__name")
        ),
        consents=consents_in_force(person),
        preferences=list(person.preferences.order_by("message_kind", "channel")),
        suspicions=list(
            DuplicateSuspicion.objects.filter(Q(person=person) | Q(candidate=person))
            .select_related("person", "candidate")
            .order_by("-created_at", "-id")
        ),
        merged_from=list(person.merged_from.all()),
        events=list(Event.objects.filter(person_id=person.pk).order_by("occurred_at", "id")),
    )


def consents_in_force(person: Person) -> dict[str, Consent]:
    """The latest decision per purpose."""
    latest: dict[str, Consent] = {}
    for consent in person.consents.order_by("purpose", "-decided_at", "-id"):
        latest.setdefault(consent.purpose, consent)
    return latest


def open_suspicions() -> QuerySet[DuplicateSuspicion]:
    """Suspicions waiting for an agent, the most likely first."""
    return (
        DuplicateSuspicion.objects.filter(status=DuplicateSuspicion.Status.OPEN)
        .select_related("person", "candidate")
        .order_by("-score", "created_at", "id")
    )


@dataclass(frozen=True)
class NotificationChoices:
    """Everything `wants` reads about one person, read once (three queries) to decide several
    channels or messages: consents in force, identities (best verified, then newest, first)
    and explicit preferences by (message kind, channel)."""

    consents: dict[str, Consent]
    identities: list[Identity]
    preferences: dict[tuple[str, str], bool]

    def recipient(self, identity_kind: str) -> str:
        """The address to use for `identity_kind`: the best-verified, then newest."""
        return next((i.value for i in self.identities if i.kind == identity_kind), "")


def notification_choices(person: Person) -> NotificationChoices:
    """The person's consents in force, identities and preferences, in one round trip (every
    message queued reads them: a filing, each status change). A person created in the open
    transaction needs no read: `new_person_choices` says what it has."""
    tables = {
        "consent": Consent._meta.db_table,
        "identity": Identity._meta.db_table,
        "preference": NotificationPreference._meta.db_table,
    }
    sql = """
        SELECT 'c', purpose, '', CASE WHEN granted THEN 1 ELSE 0 END, decided_at, id
          FROM {consent} WHERE person_id = %s
        UNION ALL
        SELECT 'i', kind, value, verification, created_at, id FROM {identity} WHERE person_id = %s
        UNION ALL
        SELECT 'p', message_kind, channel, CASE WHEN enabled THEN 1 ELSE 0 END, NULL, id
          FROM {preference} WHERE person_id = %s
    """.format(**tables)  # noqa: S608 - table names from the models, values as parameters
    consents: list[Consent] = []
    identities: list[Identity] = []
    preferences: dict[tuple[str, str], bool] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [person.pk] * 3)
        for source, name, text, number, moment, pk in cursor.fetchall():
            if source == "c":
                consents.append(
                    Consent(pk=pk, purpose=name, granted=bool(number), decided_at=moment)
                )
            elif source == "i":
                identities.append(
                    Identity(pk=pk, kind=name, value=text, verification=number, created_at=moment)
                )
            else:
                preferences[(name, text)] = bool(number)
    latest: dict[str, Consent] = {}
    for consent in sorted(consents, key=lambda c: (c.decided_at, c.pk), reverse=True):
        latest.setdefault(consent.purpose, consent)
    identities.sort(key=lambda i: (i.verification, i.created_at), reverse=True)
    return NotificationChoices(consents=latest, identities=identities, preferences=preferences)


def new_person_choices(identities: list[Identity]) -> NotificationChoices:
    """The choices of a person just created with `identities`: no consent, no preference.

    The action that created the person knows this; it passes them on (`MatchResult.choices`)
    instead of having them read back in the same transaction.
    """
    ranked = sorted(identities, key=lambda i: (i.verification, i.created_at), reverse=True)
    return NotificationChoices(consents={}, identities=ranked, preferences={})


# Read on every message queued: the choices' lists once, not rebuilt by each `.values`.
MESSAGE_KINDS = frozenset(NotificationPreference.MessageKind.values)
PREFERENCE_CHANNELS = frozenset(NotificationPreference.Channel.values)


def wants(
    person: Person,
    message_kind: str,
    channel: str,
    *,
    choices: NotificationChoices | None = None,
) -> bool:
    """Whether `person` is to be sent a message of `message_kind` on `channel`.

    Withdrawing the NOTIFICATIONS consent stops everything; BROADCAST needs its own consent;
    then an explicit preference wins; by default e-mail yes (when we have an address), SMS no.
    `choices` is `notification_choices(person)` when the caller read it already (otherwise it
    is read here, in one query).
    """
    if message_kind not in MESSAGE_KINDS:
        raise ValueError(f"unknown message kind {message_kind!r}")
    if channel not in PREFERENCE_CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    if choices is None:
        choices = notification_choices(person)
    return _wants(choices, message_kind, channel)


def _wants(choices: NotificationChoices, message_kind: str, channel: str) -> bool:
    """`wants`, decided from the person's choices (the one place these rules are written)."""
    notifications = choices.consents.get(Consent.Purpose.NOTIFICATIONS)
    if notifications is not None and not notifications.granted:
        return False
    if message_kind == NotificationPreference.MessageKind.BROADCAST:
        broadcast = choices.consents.get(Consent.Purpose.BROADCAST)
        if broadcast is None or not broadcast.granted:
            return False
    identity_kind = (
        Identity.Kind.EMAIL
        if channel == NotificationPreference.Channel.EMAIL
        else Identity.Kind.PHONE
    )
    if not any(identity.kind == identity_kind for identity in choices.identities):
        return False
    enabled = choices.preferences.get((message_kind, channel))
    if enabled is not None:
        return enabled
    return channel == NotificationPreference.Channel.EMAIL


@dataclass(frozen=True)
class Candidate:
    """An existing person a new record may duplicate, with why and how likely (0 to 1)."""

    person_id: int
    score: float
    reason: str


NAME_SCAN_LIMIT = 2000


def duplicate_candidates(
    *,
    first_name: str = "",
    last_name: str = "",
    email: str | None = None,
    phone: str | None = None,
    commune: Any = None,
) -> list[Candidate]:
    """Active persons who look like the one described, the most likely first.

    `email` and `phone` must be normalised. Same e-mail or phone: 0.85 (1.0 with the same
    name); a very similar name in the same commune: 0.77 to 0.8.
    """
    folded = fold(f"{first_name} {last_name}")
    found: dict[int, Candidate] = {}

    def add(person_id: int, score: float, reason: str) -> None:
        known = found.get(person_id)
        if known is not None:
            score = min(1.0, max(score, known.score) + 0.1)
            reason = f"{known.reason} ; {reason}"
        found[person_id] = Candidate(person_id=person_id, score=round(score, 3), reason=reason)

    # One query for both ways of looking alike, each part on its own index: the owners of the
    # same e-mail or phone (anywhere), and the persons of the same commune whose last name
    # starts with the same three letters and first name with the same letter, or the other way
    # round (a typo rarely hits the start of a name, never of both; the first letter alone
    # keeps the scan small where "Mar…" is a tenth of the town). Plain SQL:
    # built by the ORM, this query cost more CPU than the filing's inserts.
    parts: list[str] = []
    params: list[Any] = []
    for label, kind, value in (("courriel", Identity.Kind.EMAIL, email),
                               ("téléphone", Identity.Kind.PHONE, phone)):  # fmt: skip
        if value:
            parts.append(_OWNERS)
            params += [label, kind, value]
    if first_name.strip() and last_name.strip() and commune is not None:
        parts.append(_NAMESAKES)
        # an empty key (a name of punctuation only) matches nobody: = NULL is never true
        first, last = (key or None for key in name_keys(first_name, last_name))
        params += [commune.pk, last, *_initial_range(first), first, *_initial_range(last)]
    if not parts:
        return []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    by_identity: list[tuple[int, str, str]] = []
    names: dict[int, str] = {}
    for pk, search_name, way in rows:
        if way == "nom":
            names[pk] = search_name
        else:
            by_identity.append((pk, search_name, way))
    similar = process.extract(
        folded, names, scorer=fuzz.token_sort_ratio, score_cutoff=NAME_SIMILARITY, limit=10
    )
    for pk, search_name, label in by_identity:
        if folded and search_name == folded:
            add(pk, 1.0, f"même nom et même {label}")
        else:
            add(pk, 0.85, f"même {label}")
    for _, ratio, pk in similar:
        add(pk, 0.5 + 0.3 * ratio / 100, f"nom très proche ({ratio:.0f} %), même commune")

    return sorted(found.values(), key=lambda c: (-c.score, c.person_id))


_PERSON = Person._meta.db_table
_OWNERS = f"""SELECT p.id, p.search_name, CAST(%s AS VARCHAR(16)) FROM {Identity._meta.db_table} i
    JOIN {_PERSON} p ON p.id = i.person_id
    WHERE i.kind = %s AND i.value = %s AND i.provider = '' AND p.merged_into_id IS NULL"""  # noqa: S608
# Two index look-ups (commune, first-name key) and (commune, last-name key); LIMIT is written
# in: as a parameter, PostgreSQL's generic plan would scan the whole table.
_NAMESAKES = f"""SELECT * FROM (SELECT p.id, p.search_name, 'nom' FROM {_PERSON} p
    WHERE p.commune_id = %s AND (
        (p.last_name_key = %s AND p.first_name_key >= %s AND p.first_name_key < %s)
        OR (p.first_name_key = %s AND p.last_name_key >= %s AND p.last_name_key < %s))
    AND p.merged_into_id IS NULL AND p.search_name <> '' LIMIT {NAME_SCAN_LIMIT}) n"""  # noqa: S608


def _initial_range(key: str | None) -> tuple[str | None, str | None]:
    """The keys starting with the same letter as `key`: [initial, next letter)."""
    return (key[0], chr(ord(key[0]) + 1)) if key else (None, None)


def _identity_is(kind: str, value: str) -> Q:
    return Q(identities__kind=kind, identities__value=value, identities__provider="")
