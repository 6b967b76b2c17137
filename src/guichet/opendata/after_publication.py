"""What follows a successful publication (journal subscriptions, after commit): the DCAT
catalogue is rebuilt by a task before anyone asks for it, and the udata plugin's push is
queued when configured (ADR 0037)."""

from __future__ import annotations

from django_tasks import task

from guichet.opendata import catalogue

PUBLISHED = "opendata.publication-published"


@task()
def refresh_catalogue() -> str:
    catalogue.refresh()
    return "catalogue à jour"


def on_published(event) -> None:
    refresh_catalogue.enqueue()


def register() -> None:
    from guichet.core import journal
    from guichet.opendata.udata import tasks as udata

    journal.subscribe(PUBLISHED, on_published)
    journal.subscribe(PUBLISHED, udata.on_published)
