"""Template helpers for the back office: French dates in Paris time, deadline badges, labels."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import formats, timezone
from django.utils.translation import override

from guichet.backoffice import labels
from guichet.cases import phases
from guichet.cases.selectors import AT_RISK_WORKING_DAYS
from guichet.core.calendar import PARIS, DeadlineState, deadline_state

register = template.Library()

DEADLINE_BADGES = {
    DeadlineState.ON_TIME: ("success", "dans les délais"),
    DeadlineState.AT_RISK: ("warning", "à risque"),
    DeadlineState.OVERDUE: ("error", "en retard"),
}


@register.filter
def quand(value: datetime | None) -> str:
    """ "22 novembre 2026 à 14 h 05", in Europe/Paris whatever the active time zone."""
    if not value:
        return ""
    with override("fr"):
        return formats.date_format(timezone.localtime(value, PARIS), r"j F Y à G \h i")


@register.filter
def jour(value: datetime | None) -> str:
    """ "22 novembre 2026" (the Paris calendar day)."""
    if not value:
        return ""
    with override("fr"):
        return formats.date_format(timezone.localtime(value, PARIS), "j F Y")


def departement_code(request) -> str | None:
    commune = request.commune
    departement = getattr(commune, "departement", None) if commune else None
    return departement.code if departement else None


@register.inclusion_tag("backoffice/includes/deadline_badge.html")
def deadline_badge(request, now=None):
    """A DSFR badge: on time / at risk (AT_RISK_WORKING_DAYS working days left or fewer) /
    overdue; the queue's counters count the same (`cases.selectors.deadline_conditions`)."""
    if request.due_at is None:
        return {"label": "sans échéance" if request.paused_since is None else "délai suspendu"}
    now = now or timezone.now()
    try:
        state = deadline_state(
            request.due_at, now, at_risk_working_days=AT_RISK_WORKING_DAYS,
            departement=departement_code(request),
        )  # fmt: skip
    except ValueError:  # a département the holiday calendar does not know
        state = deadline_state(request.due_at, now, at_risk_working_days=AT_RISK_WORKING_DAYS)
    level, label = DEADLINE_BADGES[state]
    return {"level": level, "label": label, "state": str(state)}


@register.filter
def event_label(kind: str) -> str:
    return labels.event_label(kind)


@register.simple_tag
def event_detail(event, workflow=None) -> str:
    return labels.event_detail(event, workflow)


@register.filter
def agent_phase(public_status: str) -> str:
    """A request's generic phase in the agents' words (`cases.phases`): « en attente de
    l'usager » where the person reads « action attendue de votre part »."""
    return phases.agent_label(public_status)


@register.filter
def channel_label(channel: str) -> str:
    return labels.channel_label(channel)
