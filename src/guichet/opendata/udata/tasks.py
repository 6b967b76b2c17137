"""The task that pushes a publication to the udata portal, and the journal listener that
queues it after each successful publication (registered in `OpendataConfig.ready`)."""

from __future__ import annotations

from django_tasks import task

from guichet.opendata.udata import push


@task()
def push_to_udata(publication_id: int) -> str:
    link = push.push_publication(publication_id=publication_id)
    if link is None:
        return "rien à pousser"
    return "échec" if link.last_error else "poussé"


def on_published(event) -> None:
    """`opendata.publication-published`, after commit: queue the push when configured."""
    if push.configured_client() is None or event.subject_id is None:
        return
    push_to_udata.enqueue(int(event.subject_id))
