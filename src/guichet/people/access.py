"""Which persons the agents of some authorities may see (ADR 0017).

A person is platform-wide, but an authority may read a person's identifying data (name,
address, e-mail, phone) only when the person has a *relationship* with it: a request it
handles or once handled (filed there, or handed to it), an appointment at one of its places.
Apps above `people` say what a relationship is by registering a rule when they are ready
(`register_relationship`), so this module needs none of them; `cases` and `appointments` do.
A consent is not a relationship: `Consent` is recorded per purpose, not per authority.

An agent filing a request or booking an appointment at the counter for a person without a
relationship reaches them only by an exact e-mail address or phone number, and sees just
enough to recognise them (`Recognition`); `people.actions.record_counter_access` logs each such
access, and `may_act_for` lets the agent who was given (or created) the record act for that
person for a few hours.

Like every `access.py`, a person one may not see is "not found", as one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from guichet.core import clock
from guichet.core.models import Event
from guichet.people import events
from guichet.people.identifiers import (
    IdentifierError,
    looks_like_phone,
    normalise_email,
    normalise_phone,
)
from guichet.people.models import Identity, Person
from guichet.people.selectors import search_persons

NOT_FOUND = "Usager introuvable."

# How long an agent who looked a person up (or created their record) at the counter may go on
# filing or booking for them: the time of one visit or call, with margin.
COUNTER_ACCESS_WINDOW = timedelta(hours=8)

# name → rule: given authority ids, a condition on Person (an `Exists` on OuterRef("pk"))
# true for the persons with that kind of relationship with one of them.
RelationshipRule = Callable[[frozenset[int]], Any]
_RULES: dict[str, RelationshipRule] = {}


def register_relationship(name: str, rule: RelationshipRule) -> None:
    """Add (or replace) a kind of relationship between persons and authorities."""
    _RULES[name] = rule


def related_to(authority_ids: Collection[int]) -> Q:
    """The condition on Person: a relationship with at least one of `authority_ids`."""
    ids = frozenset(int(pk) for pk in authority_ids)
    condition = Q(pk__in=[])  # nobody, when no authority or no rule
    if not ids:
        return condition
    for rule in _RULES.values():
        condition |= Q(rule(ids))
    return condition


def visible_persons(authority_ids: Collection[int]) -> QuerySet[Person]:
    """The persons whose record the agents of `authority_ids` may read (merged ones excluded:
    their history moved to the surviving record)."""
    return Person.objects.filter(related_to(authority_ids), merged_into__isnull=True)


def is_visible(authority_ids: Collection[int], person: Person | int) -> bool:
    pk = person if isinstance(person, int) else person.pk
    return visible_persons(authority_ids).filter(pk=pk).exists()


def access_person(authority_ids: Collection[int], pk: Any) -> Person:
    """The person `pk` if the agents of `authority_ids` may see them (a merged record when
    they may see the record it was merged into); Http404 alike for a missing and a forbidden
    one (existence is not revealed)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404(NOT_FOUND) from None
    survivor_visible = Exists(
        Person.objects.filter(pk=OuterRef("merged_into_id")).filter(related_to(authority_ids))
    )
    found = (
        Person.objects.filter(pk=pk)
        .filter(Q(related_to(authority_ids), merged_into__isnull=True) | Q(survivor_visible))
        .select_related("commune", "merged_into")
        .first()
    )
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def visible_ids_among(authority_ids: Collection[int], pks: Collection[int]) -> set[int]:
    """Which of `pks` the agents of `authority_ids` may see (one query)."""
    if not pks:
        return set()
    return set(visible_persons(authority_ids).filter(pk__in=pks).values_list("pk", flat=True))


# The counter ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recognition:
    """Just enough to recognise a person at the counter: first name, initial of the surname,
    masked e-mail and phone. Shown in place of a record the agent may not read."""

    pk: int
    first_name: str
    initial: str
    email: str
    phone: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.initial}".strip() or "Usager sans nom"

    def __str__(self) -> str:
        return " — ".join(part for part in (self.name, self.email, self.phone) if part)


def recognition(person: Person) -> Recognition:
    """`person` reduced to what recognises them (reads the prefetched `identities`)."""
    identities = list(person.identities.all())
    email = next((i.value for i in identities if i.kind == Identity.Kind.EMAIL), "")
    phone = next((i.value for i in identities if i.kind == Identity.Kind.PHONE), "")
    last = person.last_name.strip()
    return Recognition(
        pk=person.pk,
        first_name=person.first_name.strip(),
        initial=f"{last[0].upper()}." if last else "",
        email=mask_email(email),
        phone=mask_phone(phone),
    )


def mask_email(value: str) -> str:
    """« jeanne.dupont@exemple.fr » → « j•••@exemple.fr »."""
    if "@" not in value:
        return ""
    local, domain = value.rsplit("@", 1)
    return f"{local[:1]}•••@{domain}"


def mask_phone(value: str) -> str:
    """« +33612345678 » → « 06 •• •• •• 78 »; another country keeps its prefix."""
    if not value:
        return ""
    if value.startswith("+33") and len(value) == 12:
        return f"0{value[3]} •• •• •• {value[-2:]}"
    return f"{value[:3]} ••• {value[-2:]}"


@dataclass(frozen=True)
class CounterSearch:
    """What an agent's search at the counter found: records they may read (`visible`) and
    persons they may only recognise (`recognised`, found by an exact e-mail or phone)."""

    visible: list[Person]
    recognised: list[Recognition]

    @property
    def all(self) -> list[Person | Recognition]:
        return [*self.visible, *self.recognised]


def exact_identity(query: str) -> tuple[str, str] | None:
    """(kind, normalised value) when `query` is a whole e-mail address or phone number."""
    text = (query or "").strip()
    try:
        if "@" in text:
            return Identity.Kind.EMAIL, normalise_email(text)
        if looks_like_phone(text):
            return Identity.Kind.PHONE, normalise_phone(text)
    except IdentifierError:
        return None
    return None


def counter_search(query: str, authority_ids: Collection[int], *, limit: int = 20) -> CounterSearch:
    """Search for the agents of `authority_ids` at the counter: any query among the persons
    they may see; beyond them, only the owners of exactly this e-mail or phone, to recognise.

    Reads only: the caller records each recognition (`people.actions.record_counter_access`).
    """
    visible = search_persons(query, among=visible_persons(authority_ids), limit=limit)
    exact = exact_identity(query)
    if exact is None:
        return CounterSearch(visible=visible, recognised=[])
    kind, value = exact
    others = (
        Person.objects.filter(
            identities__kind=kind, identities__value=value, identities__provider="",
            merged_into__isnull=True,
        )
        .exclude(related_to(authority_ids))
        .prefetch_related("identities")
        .distinct()
        .order_by("pk")[:limit]
    )  # fmt: skip
    return CounterSearch(visible=visible, recognised=[recognition(p) for p in others])


def may_act_for(authority_ids: Collection[int], user_id: int | None, person: Person | int) -> bool:
    """Whether an agent may file or book for `person` at the counter: they may see the person,
    or, within COUNTER_ACCESS_WINDOW, they looked them up at the counter or created the record."""
    return is_visible(authority_ids, person) or counter_access_open(user_id, person)


def counter_access_open(user_id: int | None, person: Person | int) -> bool:
    """Whether the agent `user_id` looked `person` up at the counter (or created the record)
    within COUNTER_ACCESS_WINDOW."""
    pk = person if isinstance(person, int) else person.pk
    if user_id is None:
        return False
    return Event.objects.filter(
        person_id=pk,
        actor_user_id=user_id,
        kind__in=[events.COUNTER_ACCESS, events.CREATED],
        occurred_at__gte=clock.now() - COUNTER_ACCESS_WINDOW,
    ).exists()
