"""« Publier maintenant »: the run happens in the worker, never in the request."""

from __future__ import annotations

from django_tasks import task

from guichet.core.journal import Actor
from guichet.opendata import actions
from guichet.opendata.models import Dataset


@task()
def publish_now(dataset_id: int, agent_label: str) -> str:
    dataset = Dataset.objects.filter(pk=dataset_id).first()
    if dataset is None:
        return "jeu de données supprimé"
    try:
        publication = actions.publish(dataset=dataset, actor=Actor.system(agent_label))
    except actions.PublicationError as error:
        return str(error)
    return publication.status
