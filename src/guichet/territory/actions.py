"""Writes to the territory: every one runs in one transaction and appends one event."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from guichet.core import journal
from guichet.core.journal import Actor
from guichet.territory import geometry
from guichet.territory.importer import apply_bundle
from guichet.territory.progress import ImportProgress, NoProgress
from guichet.territory.reading import read_folder
from guichet.territory.report import ImportReport


@transaction.atomic
def import_territory(
    *, source: Path, actor: Actor, progress: ImportProgress | None = None
) -> ImportReport:
    """Import the folder `source` (Etalab format) and return what changed.

    Idempotent: an unchanged folder writes nothing but the `territory.imported` event.
    Every file is validated before the first write; a malformed one raises
    `TerritoryDataError` (French message naming file and record) and, like any error,
    rolls the whole import back.
    """
    progress = progress or NoProgress()
    bundle = read_folder(
        source, on_file=lambda name: progress.finish(progress.stage(f"Lecture de {name}", 1))
    )
    report = apply_bundle(bundle, progress=progress)
    journal.append(kind="territory.imported", actor=actor, payload=report.as_dict())
    # Point look-ups cache prepared boundaries: drop them once the new ones are visible.
    transaction.on_commit(geometry.clear_cache)
    return report
