"""Reactions to other apps' events (subscribed in apps.py, run after commit)."""

from __future__ import annotations

from guichet.cases.models import Request
from guichet.cases.workflow import IllegalTransition, workflow_for
from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.satisfaction.actions import open_survey


def on_status_changed(event: Event) -> None:
    """A request that reaches an outcome gets a survey: through a transition its workflow
    marks « ask for a satisfaction survey » (ADR 0035), or, in a workflow that marks none,
    any move from an open state to a done one.

    Moves between finished states (resolved → closed) and closing a cancelled request do not
    by default: the person was already asked, or there is nothing to rate. Nor does a
    designer's test request (ADR 0027): it would count in the satisfaction scores.
    """
    request = Request.objects.select_related("service").filter(pk=event.case_id).first()
    if request is None or request.resolved_at is None or request.is_test:
        return
    workflow = workflow_for(request)
    payload = event.payload or {}
    try:
        asked = workflow.asks_for_survey(
            str(payload.get("source", "")), str(payload.get("target", "")),
            str(payload.get("action", "")),
        )  # fmt: skip
    except IllegalTransition:
        return
    if asked:
        open_survey(request=request, actor=Actor.system("satisfaction"))
