"""The tracking page of a request merged into another (issue 16): what the person may see of
the request their report was grouped with — its phase and public history, nothing of its
filer (no name, no conversation, no answers)."""

from __future__ import annotations

from dataclasses import dataclass

from guichet.cases import events, phases
from guichet.cases.models import PublicStatus, Request
from guichet.cases.workflow import IllegalTransition, workflow_for
from guichet.portal.follow_up import Phase
from guichet.portal.selectors import TimelineEntry, public_timeline

# The parent's history a follower reads: its progress, never the conversation with its filer.
SHOWN = {events.RECEIVED, events.STATUS_CHANGED, events.HANDED_OFF, events.REQUALIFIED}


@dataclass(frozen=True)
class MergedInto:
    reference: str
    phase: Phase
    entries: list[TimelineEntry]


def merged_into(request: Request) -> MergedInto | None:
    """The request `request` was merged into, as its person may see it; None if not merged."""
    if request.duplicate_of_id is None:
        return None
    parent = Request.objects.select_related("service", "authority").get(pk=request.duplicate_of_id)
    if parent.public_status == PublicStatus.ACTION_NEEDED:
        # the parent waits for its own filer: for this person it is simply in progress
        phase = Phase(phases.person_label(PublicStatus.ONGOING), "")
    else:
        try:
            detail = phases.state_detail(workflow_for(parent), parent.state, for_person=True)
        except IllegalTransition:
            detail = ""
        phase = Phase(phases.person_label(parent.public_status), detail)
    entries = [e for e in public_timeline(parent) if e.kind in SHOWN and not e.message_id]
    return MergedInto(reference=parent.reference, phase=phase, entries=entries)
