"""The event journal: append one event per write, let other apps react after commit.

    journal.append(kind="person.merged", actor=Actor.agent(user), person_id=survivor.pk,
                   payload={"merged": loser.pk})

Listeners subscribe in their AppConfig.ready():

    journal.subscribe("request.", on_request_event)   # a prefix, or an exact kind

and run once the surrounding transaction commits, so they never see a write that is rolled
back. A listener's failure is logged and does not undo the write.

`subscribe_in_transaction(prefix, fn)` is the exception, for the transactional outbox: `fn` runs
synchronously inside `append()`, so the rows it writes (a notification to send) commit or roll
back with the change that caused them: nothing is lost if the process dies right after commit,
nothing is announced for a write that was rolled back. Its failure fails the write.

`with journal.replaying():` marks the events appended inside as the replay of a past (the
demo's months of history): they are journaled and every listener runs, but `event.replayed`
is true and listeners that speak to people (the notification outbox) skip them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from guichet.core import clock, rows
from guichet.core.models import ActorType, Event

logger = logging.getLogger(__name__)

Listener = Callable[[Event], None]
_listeners: list[tuple[str, Listener]] = []
_in_transaction: list[tuple[str, Listener]] = []
_replaying: ContextVar[bool] = ContextVar("journal_replaying", default=False)


@contextmanager
def replaying() -> Iterator[None]:
    """Events appended inside replay a past that nobody is to be told about (see above)."""
    token = _replaying.set(True)
    try:
        yield
    finally:
        _replaying.reset(token)


@dataclass(frozen=True)
class Actor:
    """Who did something: a person, an agent (user), an application or the system."""

    type: str
    user: Any = None
    person_id: int | None = None
    label: str = ""

    @classmethod
    def system(cls, label: str = "système") -> Actor:
        return cls(type=ActorType.SYSTEM, label=label)

    @classmethod
    def agent(cls, user: Any) -> Actor:
        return cls(type=ActorType.AGENT, user=user, label=user.get_username())

    @classmethod
    def person(cls, person: Any) -> Actor:
        return cls(type=ActorType.PERSON, person_id=person.pk, label=f"usager:{person.pk}")

    @classmethod
    def application(cls, name: str) -> Actor:
        return cls(type=ActorType.APPLICATION, label=f"application:{name}")


def event_row(
    *,
    kind: str,
    actor: Actor,
    channel: str = "",
    authority_id: int | None = None,
    person_id: int | None = None,
    case_id: int | None = None,
    subject: Any = None,
    visible_to_person: bool = False,
    payload: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> Event:
    """The (unsaved) journal row of one event."""
    return Event(
        occurred_at=occurred_at or clock.now(),
        kind=kind,
        actor_type=actor.type,
        actor_user=actor.user,
        resource=actor.label,
        channel=channel,
        authority_id=authority_id,
        person_id=person_id if person_id is not None else actor.person_id,
        case_id=case_id,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=subject.pk if subject is not None else None,
        visible_to_person=visible_to_person,
        payload=payload or {},
    )


def append(*, case: Any = None, known: dict[str, Any] | None = None, **fields: Any) -> Event:
    """Append one event inside the caller's transaction and schedule its listeners.

    Keyword arguments: those of `event_row`, and `case`, the case object itself when the
    caller holds it: in-transaction listeners find it as `event.case_object` (and the
    `subject` as `event.subject_object`) instead of reading it again. `known` holds what the
    writer knows for a fact at this point and a listener would otherwise read (the
    `notification_choices` of a person it just created), as `event.known`; it is not stored,
    and says nothing after this call.
    """
    if case is not None:
        fields.setdefault("case_id", case.pk)
    event = event_row(**fields)
    event.case_object = case  # type: ignore[attr-defined]  # not a column: for listeners
    event.known = known or {}  # type: ignore[attr-defined]  # not a column: for listeners
    event.subject_object = fields.get("subject")  # type: ignore[attr-defined]  # idem
    event.replayed = _replaying.get()  # type: ignore[attr-defined]  # idem
    rows.insert(event)  # nothing listens to Event's model signals: the journal has its own
    _notify(event)
    return event


def append_many(entries: list[dict[str, Any]]) -> list[Event]:
    """`append` for many events in one INSERT (a worker marking a batch): same rows, same
    listeners. Each entry holds `event_row`'s keyword arguments."""
    events = Event.objects.bulk_create([event_row(**entry) for entry in entries])
    for event in events:
        event.replayed = _replaying.get()  # type: ignore[attr-defined]  # not a column
        _notify(event)
    return events


def _notify(event: Event) -> None:
    for prefix, listener in _in_transaction:
        if event.kind.startswith(prefix):
            listener(event)
    matching = [listener for prefix, listener in _listeners if event.kind.startswith(prefix)]
    if matching:
        transaction.on_commit(lambda: _dispatch(event, matching))


def subscribe(prefix: str, listener: Listener) -> None:
    """Call `listener(event)` after commit for every event whose kind starts with `prefix`."""
    if (prefix, listener) not in _listeners:
        _listeners.append((prefix, listener))


def subscribe_in_transaction(prefix: str, listener: Listener) -> None:
    """Call `listener(event)` inside `append()`, in the writer's transaction (see above)."""
    if (prefix, listener) not in _in_transaction:
        _in_transaction.append((prefix, listener))


def _dispatch(event: Event, listeners: list[Listener]) -> None:
    for listener in listeners:
        try:
            listener(event)
        except Exception:
            logger.exception("journal listener %r failed on %s", listener, event.kind)
