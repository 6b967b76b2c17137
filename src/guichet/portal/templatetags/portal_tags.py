"""Dates in Europe/Paris the French way, and the generic status as a DSFR badge."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.html import format_html

from guichet.cases import phases
from guichet.cases.models import PublicStatus

register = template.Library()

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
BADGES = {
    PublicStatus.ONGOING: "fr-badge--info",
    PublicStatus.ACTION_NEEDED: "fr-badge--warning",
    PublicStatus.DONE: "fr-badge--success",
    PublicStatus.CANCELLED: "",
}


@register.filter
def fr_date(value) -> str:
    """ "22 novembre 2026" (1er for the first day of the month)."""
    if not value:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


@register.filter
def fr_datetime(value) -> str:
    """ "22 novembre 2026 à 14 h 05", in Europe/Paris."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{fr_date(local)} à {local.hour} h {local.minute:02d}"


@register.simple_tag
def status_badge(status: str):
    """The generic phase as a badge, in the person's words (`cases.phases`, the table the
    agents' pages read too)."""
    label = phases.person_label(status)
    return format_html(
        '<p class="fr-badge fr-badge--no-icon {}">{}</p>', BADGES.get(status, ""), label
    )
