"""Reactions to other apps' events (subscribed in apps.py, run after commit)."""

from __future__ import annotations

from guichet.cases.models import Request
from guichet.cases.workflow import ACTION_NEEDED, DONE, ONGOING, IllegalTransition, workflow_for
from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.satisfaction.actions import open_survey


def on_status_changed(event: Event) -> None:
    """A request that reaches an outcome from an open state gets a survey.

    Moves between finished states (resolved → closed) and closing a cancelled request do not:
    the person was already asked, or there is nothing to rate. Nor does a designer's test
    request (ADR 0027): it would count in the satisfaction scores.
    """
    request = Request.objects.select_related("service").filter(pk=event.case_id).first()
    if request is None or request.resolved_at is None or request.is_test:
        return
    workflow = workflow_for(request)
    try:
        source = workflow.state(event.payload.get("source", ""))
        target = workflow.state(event.payload.get("target", ""))
    except IllegalTransition:
        return
    if source.public_status in (ONGOING, ACTION_NEEDED) and target.public_status == DONE:
        open_survey(request=request, actor=Actor.system("satisfaction"))
