"""The dashboards' template filters: whether the agent sees their link, a chart's SVG."""

from __future__ import annotations

from django import template

from guichet.authorities.access import memberships_of, role_permits
from guichet.backoffice.charts import Chart, with_nonce

register = template.Library()


@register.filter
def can_view_dashboards(user) -> bool:
    # One query on every back-office page: the roles only, not one `can()` per authority.
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    roles = memberships_of(user).values_list("role", flat=True)
    return any(role_permits(role, "view_dashboards") for role in roles)


@register.filter
def chart_svg(chart: Chart, nonce: object) -> str:
    """The chart's SVG, its <style> allowed by the page's Content-Security-Policy nonce."""
    return with_nonce(chart.svg, str(nonce))
