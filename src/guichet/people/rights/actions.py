"""The writes of access and portability: asking for an export, its outcome, its expiry, and
the agents' access log."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from guichet.core import clock, journal
from guichet.core.journal import Actor
from guichet.people.models import Person
from guichet.people.rights.models import AccessLog, DataExport

EXPORT_REQUESTED = "person.export_requested"
EXPORT_READY = "person.export_ready"
EXPORT_FAILED = "person.export_failed"
EXPORTS_EXPIRED = "person.exports_expired"

# A running export not finished after this long died with its worker: marked failed, so that
# the person may ask again.
STALE_AFTER = timedelta(hours=1)


def request_export(*, person: Person, requested_by: Any = None) -> tuple[DataExport, bool]:
    """Ask for an archive of everything the platform holds about `person`, by the person
    themself (`requested_by` None) or by an agent at the counter (`requested_by` the user).

    Returns (export, created). While one is waiting or running, asking again returns that
    one (created False), however many ask at once: a partial unique constraint keeps one
    pending export per person, and the loser of a race reads the winner's. The build task is
    enqueued once the transaction commits.
    """
    from guichet.people.rights import export as registry  # the sections, discovered once

    with transaction.atomic():
        pending = DataExport.objects.filter(person=person, status__in=DataExport.PENDING).first()
        if pending is not None:
            return pending, False
        try:
            with transaction.atomic():
                export = DataExport.objects.create(
                    person=person, requested_by=requested_by, total=registry.steps()
                )
        except IntegrityError:
            # Another request created it between our read and our insert (PostgreSQL waits
            # for that transaction's commit before raising, so the row is readable now).
            return DataExport.objects.get(person=person, status__in=DataExport.PENDING), False
        journal.append(
            kind=EXPORT_REQUESTED,
            actor=Actor.agent(requested_by) if requested_by is not None else Actor.person(person),
            channel="counter" if requested_by is not None else "web",
            person_id=person.pk,
            subject=export,
            payload={"export_id": export.pk},
        )
        pk = export.pk
        transaction.on_commit(lambda: _enqueue(pk))
    return export, True


def _enqueue(pk: int) -> None:
    from guichet.people.rights.tasks import build_export

    build_export.enqueue(pk)


def claim_export(*, export_id: int) -> DataExport | None:
    """Take a queued export to build it (queued → running); None when it is not queued any
    more (another worker took it, or it ran already): an export is built once. Not journaled:
    its outcome is (`mark_ready`, `mark_failed`)."""
    now = clock.now()
    taken = DataExport.objects.filter(pk=export_id, status=DataExport.Status.QUEUED).update(
        status=DataExport.Status.RUNNING, started_at=now, done=0
    )
    if not taken:
        return None
    return DataExport.objects.select_related("person").get(pk=export_id)


def record_progress(*, export: DataExport, done: int) -> None:
    """How many steps are done (one UPDATE, outside any transaction, so the page sees it)."""
    DataExport.objects.filter(pk=export.pk).update(done=done)


@transaction.atomic
def mark_ready(*, export: DataExport, file_name: str, size: int) -> DataExport:
    """The archive is written: downloadable for GUICHET_EXPORT_DAYS days."""
    now = clock.now()
    export.status = DataExport.Status.READY
    export.file.name = file_name
    export.size = size
    export.done = export.total
    export.finished_at = now
    export.expires_at = now + timedelta(days=settings.GUICHET_EXPORT_DAYS)
    export.save(update_fields=["status", "file", "size", "done", "finished_at", "expires_at"])
    journal.append(
        kind=EXPORT_READY,
        actor=Actor.system("export"),
        person_id=export.person_id,
        subject=export,
        visible_to_person=True,
        payload={"export_id": export.pk, "size": size, "expires_at": export.expires_at.isoformat()},
    )
    return export


@transaction.atomic
def mark_failed(*, export: DataExport, error: str) -> DataExport:
    """The build failed: the person (or the agent) may ask again."""
    export.status = DataExport.Status.FAILED
    export.error = error[:300]
    export.finished_at = clock.now()
    export.save(update_fields=["status", "error", "finished_at"])
    journal.append(
        kind=EXPORT_FAILED,
        actor=Actor.system("export"),
        person_id=export.person_id,
        subject=export,
        payload={"export_id": export.pk, "error": export.error},
    )
    return export


def expire_exports() -> int:
    """Delete the archives past their date (state « expirée »), and mark failed the builds a
    dead worker left running; one `person.exports_expired` event per run that changed
    anything. Returns how many archives were deleted. A periodic job of `guichet worker`."""
    now = clock.now()
    expired = list(
        DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lte=now).only(
            "pk", "file"
        )
    )
    with transaction.atomic():
        stale = DataExport.objects.filter(
            status__in=DataExport.PENDING, created_at__lte=now - STALE_AFTER
        ).update(
            status=DataExport.Status.FAILED,
            error="Préparation interrompue : demandez un nouvel export.",
            finished_at=now,
        )
        ids = [export.pk for export in expired]
        DataExport.objects.filter(pk__in=ids).update(
            status=DataExport.Status.EXPIRED, file="", size=0
        )
        if ids or stale:
            journal.append(
                kind=EXPORTS_EXPIRED,
                actor=Actor.system("export"),
                payload={"expired": len(ids), "abandoned": stale},
            )
        names = [export.file.name for export in expired if export.file]
        transaction.on_commit(lambda: _delete_files(names))
    return len(ids)


def _delete_files(names: Iterable[str]) -> None:
    storage = DataExport._meta.get_field("file").storage
    for name in names:
        storage.delete(name)


def record_access(
    *,
    agent: Any,
    authority: Any,
    person: Person | int,
    what: str,
    role: str = "",
    agent_label: str = "",
) -> AccessLog:
    """Log that `agent` (a user; None for an application of the API, named by `agent_label`),
    working for `authority` (an Authority, its id, or None) as `role` (French label), looked
    at `what` (« fiche usager », « demande <référence> »…) of `person`.

    One INSERT and no journal event, unlike every other write: every page an agent opens on a
    person or a request writes one, tens of thousands a day on a large platform, which would
    swamp the journal (and the analytics and timelines reading it) with reads. The log is
    its own table, indexed by person and date, shown to the person and in their export.
    """
    return AccessLog.objects.create(
        **_access_row(agent, authority, person, what, role, agent_label)
    )


def record_accesses(
    *,
    agent: Any,
    authority: Any,
    persons: Iterable[Person | int],
    what: str,
    role: str = "",
    agent_label: str = "",
) -> int:
    """`record_access` for each of `persons` (a list shown at once): one INSERT."""
    rows = [
        AccessLog(**_access_row(agent, authority, person, what, role, agent_label))
        for person in persons
    ]
    AccessLog.objects.bulk_create(rows)
    return len(rows)


def _access_row(
    agent: Any, authority: Any, person: Person | int, what: str, role: str, agent_label: str
) -> dict[str, Any]:
    label = agent_label or (_name_of(agent) if agent is not None else "")
    return {
        "agent": agent,
        "agent_label": label[:200],
        "role": role[:80],
        "authority_id": authority
        if isinstance(authority, int) or authority is None
        else authority.pk,
        "person_id": person if isinstance(person, int) else person.pk,
        "what": what[:200],
        "at": clock.now(),
    }


def _name_of(user: Any) -> str:
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or user.get_username()
