"""The background task that builds a person's data export (`guichet worker` runs it), and the
periodic job that deletes the expired archives (GUICHET_WORKER_PERIODIC)."""

from __future__ import annotations

import logging

from django_tasks import task

from guichet.people.rights import actions
from guichet.people.rights.export import build_archive

logger = logging.getLogger(__name__)


@task()
def build_export(export_id: int) -> str:
    """Build export `export_id` once: a second run (a task enqueued twice, a retry) finds it
    taken and does nothing. Returns the export's state."""
    return run_export(export_id)


def run_export(export_id: int) -> str:
    export = actions.claim_export(export_id=export_id)
    if export is None:
        return "déjà traité"
    try:
        name, size = build_archive(
            export, progress=lambda done: actions.record_progress(export=export, done=done)
        )
    except Exception as error:
        logger.exception("data export %s failed", export_id)
        actions.mark_failed(export=export, error=f"{type(error).__name__}")
        return "échec"
    actions.mark_ready(export=export, file_name=name, size=size)
    return "prête"


def expire_exports() -> int:
    """Periodic job: the archives past their date are deleted."""
    return actions.expire_exports()
