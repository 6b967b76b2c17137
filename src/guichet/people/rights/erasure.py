"""Erasure: a person's identifying data replaced by a pseudonym everywhere (ADR 0025).

    erase_person(person=p, by=Actor.agent(user), reason="request", confirmed=True)

`people` sits below the apps that hold a person's data, so each of them describes its own part
in `<app>/data_erasure.py` (`register(Part(...))`), found by `autodiscover_modules`. A part may:
- `collect` more identifying strings (the e-mail typed in a form) and the ids it will need;
- `blockers`: French reasons why the law still keeps the data (a dossier in instruction);
- `pending` / `close`: open items an erasure ends through the app's own actions, after the
  agent or the person confirmed (an open report cancelled, an appointment cancelled);
- `erase`: rewrite its rows for a `Batch` of persons and return counts;
- `keeps`: for retention, a condition on `Person` true while the app still needs the person;
  `holds`: true when the app has rows about them at all; `per_service`: for the retention
  forecast, its rows per service for some persons.

What stays: the rows themselves (requests with their service, authority, commune, status and
dates; events with their kind and time; consents as facts), so statistics and journeys still
count them without naming anyone. A batch is erased in the caller's transaction: a crash
leaves nothing half-erased, and a person already erased is skipped (erasing twice runs once).
Files (attachments, raw e-mails, exports) are deleted once the transaction commits.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.module_loading import autodiscover_modules

from guichet.core import clock, journal
from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.people.errors import PeopleError
from guichet.people.identifiers import fold, name_keys
from guichet.people.models import (
    DuplicateSuspicion,
    Household,
    Identity,
    NotificationPreference,
    OrganisationRole,
    Person,
)

logger = logging.getLogger(__name__)

ERASED_KIND = "person.erased"
REQUESTED_KIND = "person.erasure_requested"
# What a person's names become: the record keeps its number, so it stays a pseudonym.
PSEUDONYM = "Usager effacé"
# The derived search columns of that name (`Person.derive_*`), written by one UPDATE.
PSEUDONYM_KEYS = name_keys("", PSEUDONYM)
# What a free text written by or about the person becomes.
ERASED = "[effacé]"
REASONS = {
    "request": "à la demande de l'usager",
    "retention": "fin de la durée de conservation",
}
# Payload keys of journal events that hold free text (an agent's note, a comment): replaced
# whole, as a person's own words may name others too.
FREE_TEXT_KEYS = frozenset({"note", "comment", "body", "text", "message_text", "reason_text"})
# Identifying strings shorter than this are not looked for in free texts (a two-letter first
# name would blank every word containing it).
MIN_VALUE_LENGTH = 3


class ErasureRefused(PeopleError):
    """The data must be kept now (a legal obligation): the French message says why."""


class ConfirmationRequired(PeopleError):
    """The person has open items the erasure would end: ask, then call again confirmed."""

    def __init__(self, message: str, *, pending: list[str]) -> None:
        super().__init__(message)
        self.pending = pending


@dataclass
class Batch:
    """The persons erased together, what identifies each of them, and what to delete later.

    `person_ids` holds every record (survivors and the records merged into them); `owner`
    maps each to its survivor, the key of `values` (the strings looked for in free texts).
    """

    person_ids: list[int]
    owner: dict[int, int]
    actor: Actor
    now: datetime
    values: dict[int, set[str]] = field(default_factory=dict)
    # The persons' requests (id → person id), filled by the cases part: their journal events.
    cases: dict[int, int] = field(default_factory=dict)
    files: list[Any] = field(default_factory=list)
    # What a part's `collect` keeps for its own `erase` (read before another part deletes it).
    extra: dict[str, Any] = field(default_factory=dict)
    _patterns: dict[int, re.Pattern[str] | None] = field(default_factory=dict)

    def add_value(self, person_id: int, value: Any) -> None:
        if isinstance(value, str) and len(value.strip()) >= MIN_VALUE_LENGTH:
            self.values.setdefault(self.owner.get(person_id, person_id), set()).add(value.strip())
            self._patterns.pop(self.owner.get(person_id, person_id), None)

    def pattern(self, person_id: int | None) -> re.Pattern[str] | None:
        """One regular expression matching any identifying string of `person_id`'s owner."""
        if person_id is None:
            return None
        key = self.owner.get(person_id, person_id)
        if key not in self._patterns:
            parts = sorted({_value_pattern(v) for v in self.values.get(key, ())}, key=len)
            self._patterns[key] = (
                re.compile(r"(?<!\w)(?:" + "|".join(reversed(parts)) + r")(?!\w)", re.IGNORECASE)
                if parts
                else None
            )
        return self._patterns[key]

    def scrub(self, person_id: int | None, text: Any) -> Any:
        """`text` with every identifying string of the person replaced by the pseudonym."""
        if not isinstance(text, str) or not text:
            return text
        pattern = self.pattern(person_id)
        return pattern.sub(ERASED, text) if pattern is not None else text

    def scrub_json(self, person_id: int | None, value: Any, *, key: str = "") -> Any:
        """A JSON document with its strings scrubbed and its free-text keys replaced."""
        if isinstance(value, dict):
            return {k: self.scrub_json(person_id, v, key=str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.scrub_json(person_id, v, key=key) for v in value]
        if isinstance(value, str) and value and key in FREE_TEXT_KEYS:
            return ERASED
        return self.scrub(person_id, value)

    def delete_file(self, file: Any) -> None:
        """Delete a stored file once the transaction commits (never before: a rollback must
        find it)."""
        if file:
            self.files.append((file.storage, file.name))


_PHONE = re.compile(r"^\+33(\d{9})$")


def _value_pattern(value: str) -> str:
    """The regular expression of one identifying string: a French phone number in every usual
    spelling (+33 6…, 06 12 34…, 06.12…), anything else as is, case and spaces aside."""
    match = _PHONE.match(value)
    if match:
        digits = match.group(1)
        sep = r"[\s.\-]?"
        body = sep.join(re.escape(d) for d in digits)
        return rf"(?:\+33\s?(?:\(0\)\s?)?|0){body}"
    return r"\s+".join(re.escape(word) for word in value.split())


@dataclass(frozen=True)
class Part:
    """One app's share of an erasure (see the module's docstring)."""

    name: str
    erase: Callable[[Batch], dict[str, int]]
    order: int = 50
    collect: Callable[[Batch], None] | None = None
    blockers: Callable[[Person], list[str]] | None = None
    pending: Callable[[Person], list[str]] | None = None
    close: Callable[[Person, Actor], int] | None = None
    keeps: Callable[[datetime], Q] | None = None
    # For retention: a condition on `Person` true when the app holds rows about the person
    # (a record holding none is kept for the platform's retention after its creation).
    holds: Callable[[], Q] | None = None
    # For the retention forecast: given persons, how many of this app's rows per service id.
    per_service: Callable[[QuerySet[Person]], dict[int, int]] | None = None


_PARTS: dict[str, Part] = {}
_discovered = False


def register(part: Part) -> None:
    """Add (or replace) an app's part of the erasure."""
    _PARTS[part.name] = part


def unregister(name: str) -> None:
    """Remove an app's part (tests register parts of their own)."""
    _PARTS.pop(name, None)


def parts() -> list[Part]:
    """Every registered part, `people`'s own included, in order."""
    global _discovered
    if not _discovered:
        autodiscover_modules("data_erasure")
        _discovered = True
    return sorted(_PARTS.values(), key=lambda part: (part.order, part.name))


# The plan shown before erasing -----------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What erasing a person would do: refused (`blockers`), needs confirmation (`pending`),
    and how many rows of each kind would be rewritten (`counts`)."""

    person: Person
    blockers: list[str]
    pending: list[str]
    counts: dict[str, int]

    @property
    def allowed(self) -> bool:
        return not self.blockers and not self.person.is_erased


def plan(person: Person) -> Plan:
    """Read what erasing `person` would do (no write)."""
    blockers: list[str] = []
    pending: list[str] = []
    for part in parts():
        if part.blockers is not None:
            blockers += part.blockers(person)
        if part.pending is not None:
            pending += part.pending(person)
    batch = _batch([person.pk], Actor.system("plan"))
    counts = {"records": len(batch.person_ids), "identities": 0}
    counts["identities"] = Identity.objects.filter(person_id__in=batch.person_ids).count()
    for part in parts():
        if part.collect is not None:
            part.collect(batch)
    counts["requests"] = len(batch.cases)
    return Plan(person=person, blockers=blockers, pending=pending, counts=counts)


# The action ------------------------------------------------------------------------------------


@transaction.atomic
def erase_person(
    *, person: Person, by: Actor, reason: str, confirmed: bool = False
) -> dict[str, int]:
    """Replace `person`'s identifying data by a pseudonym everywhere, in one transaction, with
    one `person.erased` event (counts only). Returns the counts ({} when already erased).

    `reason`: "request" (the person asked) or "retention". Raises ErasureRefused when a legal
    obligation keeps the data (an open dossier of a transactional service), and
    ConfirmationRequired when open items (an open report, an upcoming appointment) would be
    ended and `confirmed` is false; once confirmed they are ended through their apps' own
    actions, where `by` may (see each part).
    """
    if reason not in REASONS:
        raise PeopleError(f"Motif d'effacement inconnu : « {reason} ».")
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.merged_into_id is not None:
        raise ErasureRefused(
            "Ce dossier a été fusionné avec un autre : effacez le dossier qui l'a repris."
        )
    if locked.erased_at is not None:
        return {}  # erasing twice runs once
    found = plan(locked)
    if found.blockers:
        raise ErasureRefused(" ".join(found.blockers))
    closed = 0
    if found.pending:
        if not confirmed:
            raise ConfirmationRequired(
                "Des éléments en cours seront clos par l'effacement : confirmez-le.",
                pending=found.pending,
            )
        for part in parts():
            if part.close is not None:
                closed += part.close(locked, by)
    counts = erase_batch([locked.pk], actor=by)
    counts["closed"] = closed
    journal.append(
        kind=ERASED_KIND,
        actor=by,
        person_id=locked.pk,
        subject=locked,
        payload={"reason": reason, "counts": counts},
    )
    return counts


@transaction.atomic
def record_erasure_request(
    *, person: Person, blockers: list[str], authority_id: int | None
) -> None:
    """The person asked for erasure and something keeps the data now: one
    `person.erasure_requested` event on their record (for the agents of `authority_id`), saying
    how many obligations hold it (their French reasons are shown to the person, not stored)."""
    journal.append(
        kind=REQUESTED_KIND,
        actor=Actor.person(person),
        person_id=person.pk,
        subject=person,
        authority_id=authority_id,
        payload={"blockers": len(blockers)},
    )


def erase_batch(person_ids: Iterable[int], *, actor: Actor) -> dict[str, int]:
    """Erase the persons `person_ids` (and the records merged into them) that are not erased
    yet, in the caller's transaction, without an event (the caller appends one). Counts."""
    batch = _batch(person_ids, actor)
    if not batch.person_ids:
        return {"persons": 0}
    every = parts()
    for part in every:
        if part.collect is not None:
            part.collect(batch)
    counts: dict[str, int] = {"persons": len(set(batch.owner.values()))}
    for part in every:
        for name, count in part.erase(batch).items():
            counts[name] = counts.get(name, 0) + count
    files = list(batch.files)
    transaction.on_commit(lambda: _delete_files(files))
    return counts


# Rows rewritten per UPDATE by `write_rows`: Django's bulk_update writes a CASE with one branch
# per row, which the database evaluates for every row (quadratic in the batch).
UPDATE_CHUNK = 100


def write_rows(model: Any, rows: list[Any], fields: list[str]) -> None:
    """Write `fields` of `rows`: one UPDATE per distinct set of values (erased rows often end
    alike: the same answers blanked), the rest by `bulk_update` in small chunks."""
    groups: dict[str, list[Any]] = {}
    for row in rows:
        key = json.dumps([getattr(row, f) for f in fields], sort_keys=True, default=str)
        groups.setdefault(key, []).append(row)
    single = []
    for members in groups.values():
        if len(members) == 1:
            single.append(members[0])
            continue
        values = {f: getattr(members[0], f) for f in fields}
        for start in range(0, len(members), 1000):
            pks = [row.pk for row in members[start : start + 1000]]
            model._default_manager.filter(pk__in=pks).update(**values)
    model._default_manager.bulk_update(single, fields, batch_size=UPDATE_CHUNK)


def _delete_files(files: list[tuple[Any, str]]) -> None:
    """After commit: a file that cannot be deleted is logged (without its name, which may name
    the person) and never fails the erasure, already committed."""
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError as error:  # its message holds the path: only its kind is logged
            logger.warning("erasure: a stored file could not be deleted (%s)", type(error).__name__)


def _batch(person_ids: Iterable[int], actor: Actor) -> Batch:
    """The persons not erased yet among `person_ids` with every record merged into them."""
    roots = list(
        Person.objects.filter(pk__in=list(person_ids), erased_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    owner = {pk: pk for pk in roots}
    frontier = list(roots)
    while frontier:  # records merged into them, and into those, …
        merged = list(
            Person.objects.filter(merged_into_id__in=frontier, erased_at__isnull=True).values_list(
                "pk", "merged_into_id"
            )
        )
        for pk, into in merged:
            owner[pk] = owner[into]
        frontier = [pk for pk, _ in merged]
    return Batch(person_ids=list(owner), owner=owner, actor=actor, now=clock.now())


# people's own part ----------------------------------------------------------------------------


def _collect_people(batch: Batch) -> None:
    for pk, first, last, address in Person.objects.filter(pk__in=batch.person_ids).values_list(
        "pk", "first_name", "last_name", "address"
    ):
        for value in (first, last, f"{first} {last}", address):
            batch.add_value(pk, value)
    for pk, value in Identity.objects.filter(person_id__in=batch.person_ids).values_list(
        "person_id", "value"
    ):
        batch.add_value(pk, value)


def _erase_people(batch: Batch) -> dict[str, int]:
    ids = batch.person_ids
    identities, _ = Identity.objects.filter(person_id__in=ids).delete()
    NotificationPreference.objects.filter(person_id__in=ids).delete()
    OrganisationRole.objects.filter(person_id__in=ids).delete()
    DuplicateSuspicion.objects.filter(Q(person_id__in=ids) | Q(candidate_id__in=ids)).delete()
    _erase_exports(batch)
    events = _erase_journal(batch)
    households = set(
        Person.objects.filter(pk__in=ids, household__isnull=False).values_list(
            "household_id", flat=True
        )
    )
    persons = Person.objects.filter(pk__in=ids).update(
        first_name="",
        last_name=PSEUDONYM,
        address="",
        household=None,
        search_name=fold(f" {PSEUDONYM}"),
        first_name_key=PSEUDONYM_KEYS[0],
        last_name_key=PSEUDONYM_KEYS[1],
        erased_at=batch.now,
        updated_at=batch.now,
    )
    # A household left without members goes (its name is often the family's); one shared with
    # others keeps its name, which is theirs too.
    Household.objects.filter(pk__in=households, members__isnull=True).delete()
    return {"records": persons, "identities": identities, "events": events}


def _erase_exports(batch: Batch) -> None:
    """The person's data exports (the archives hold everything): files and rows."""
    try:
        model = apps.get_model("people", "DataExport")
    except LookupError:
        return
    file_fields = [f.name for f in model._meta.get_fields() if hasattr(f, "upload_to")]
    exports = model._default_manager.filter(person_id__in=batch.person_ids)
    for export in exports:
        for name in file_fields:
            batch.delete_file(getattr(export, name))
    exports.delete()


def _erase_journal(batch: Batch) -> int:
    """Journal events about the persons or their requests keep their kind, time and ids; the
    strings of their payloads that name the person are replaced. Returns how many changed."""
    # Every event about a person carries its `person_id` (the people actions set it, the
    # subject too); the request's events carry its `case_id`: both indexed (ADR 0011).
    about = Q(person_id__in=batch.person_ids)
    if batch.cases:
        about |= Q(case_id__in=list(batch.cases))
    changed = []
    for event in Event.objects.filter(about).only("pk", "person_id", "case_id", "payload"):
        whose: int | None
        if event.person_id in batch.owner:
            whose = event.person_id
        else:  # an event of one of their requests, written under another person's id
            whose = batch.cases.get(event.case_id or 0)
        payload = batch.scrub_json(whose, event.payload)
        if payload != event.payload:
            event.payload = payload
            changed.append(event)
    write_rows(Event, changed, ["payload"])
    return len(changed)


register(Part(name="people", order=0, collect=_collect_people, erase=_erase_people))
