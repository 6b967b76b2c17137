"""The public map's status badge and « also reported by » count."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from guichet.cases.models import PublicStatus
from guichet.core.plurals import ngettext
from guichet.portal.public_reports import Report
from guichet.portal.templatetags.portal_tags import BADGES

register = template.Library()


@register.simple_tag
def report_badge(status: str, label: str) -> SafeString:
    """The report's generic status as an inline DSFR badge, in the public's words."""
    return format_html(
        '<span class="fr-badge fr-badge--sm fr-badge--no-icon {}">{}</span>',
        BADGES.get(PublicStatus(status), "") if status in PublicStatus.values else "", label,
    )  # fmt: skip


@register.simple_tag
def report_count(report: Report) -> str:
    """ "Signalé aussi par 3 autres personnes." (followers and merged duplicates)."""
    others = report.followers + report.duplicates
    if not others:
        return ""
    return ngettext(
        "Signalé aussi par {n} autre personne.", "Signalé aussi par {n} autres personnes.", others
    ).format(n=others)
