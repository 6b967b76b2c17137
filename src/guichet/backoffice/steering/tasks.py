"""« Envoyer maintenant »: the briefing is composed in the worker, never in the request."""

from __future__ import annotations

from django_tasks import task

from guichet.contracts.briefings import actions
from guichet.contracts.models import BriefingRemit
from guichet.core.journal import Actor


@task()
def send_now(remit_id: int, agent_label: str) -> str:
    remit = BriefingRemit.objects.filter(pk=remit_id, is_active=True).first()
    if remit is None:
        return "périmètre terminé ou supprimé"
    briefing = actions.send_briefing(remit=remit, actor=Actor.system(agent_label))
    return f"note {briefing.pk}"
