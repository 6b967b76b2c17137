"""Reads about consultations: the phase open now, the timeline, the open ones at a place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from guichet.core import clock
from guichet.participation import phases
from guichet.participation.models.consultations import Consultation, Phase


def current_phase(consultation: Consultation, at: datetime | None = None) -> Phase | None:
    """The phase running at `at` (now by default), if any (phases never overlap)."""
    moment = at or clock.now()
    rows = getattr(consultation, "_prefetched_objects_cache", {}).get("phases")
    if rows is not None:
        return next((p for p in rows if p.starts_at <= moment < p.ends_at), None)
    return consultation.phases.filter(starts_at__lte=moment, ends_at__gt=moment).first()


def is_open(consultation: Consultation, action: str, at: datetime | None = None) -> bool:
    phase = current_phase(consultation, at)
    return phase is not None and phases.opens(phase.kind, action, phase.open_actions)


@dataclass(frozen=True)
class TimelineStep:
    phase: Phase
    state: str  # "past", "current", "future"
    actions: list[str]


def timeline(consultation: Consultation, at: datetime | None = None) -> list[TimelineStep]:
    moment = at or clock.now()
    steps = []
    for phase in sorted(consultation.phases.all(), key=lambda p: (p.starts_at, p.pk)):
        if phase.ends_at <= moment:
            state = "past"
        elif phase.starts_at <= moment:
            state = "current"
        else:
            state = "future"
        actions = [
            phases.action_label(a) for a in phases.actions_of(phase.kind, phase.open_actions)
        ]
        steps.append(TimelineStep(phase=phase, state=state, actions=actions))
    return steps


def published() -> QuerySet[Consultation]:
    return Consultation.objects.filter(published=True).select_related("authority", "area")


def running(at: datetime | None = None) -> QuerySet[Consultation]:
    """Published consultations with a phase not yet ended (current or to come)."""
    moment = at or clock.now()
    return published().filter(phases__ends_at__gt=moment).distinct()
