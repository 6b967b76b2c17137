"""Reactions to the journal: a request filed as free text gets its suggestions after commit.
Intake never waits on a model that is missing or failing (ADR 0028)."""

from __future__ import annotations

import logging

from guichet.cases.models import Request
from guichet.core.models import Event
from guichet.triage import actions

logger = logging.getLogger(__name__)


def on_request_received(event: Event) -> None:
    if getattr(event, "replayed", False):
        return
    request = getattr(event, "case_object", None)
    if not isinstance(request, Request) or request.service.slug not in actions.FREE_TEXT_SERVICES:
        return
    try:
        suggestion = actions.suggest(request=request)
    except Exception:  # the request stays with the triage team
        logger.exception("triage failed for request %s", request.reference)
        return
    if suggestion is None or not suggestion.above_threshold:
        return
    try:  # its own transaction: a refusal leaves the suggestion for an agent
        actions.auto_route(suggestion=suggestion)
    except actions.TriageError as refused:
        logger.warning("request %s not auto-routed: %s", request.reference, refused)
    except Exception:
        logger.exception("auto-routing failed for request %s", request.reference)
