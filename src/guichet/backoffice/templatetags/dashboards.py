"""Whether the signed-in agent sees the dashboards' link (the `view_dashboards` permission)."""

from __future__ import annotations

from django import template

from guichet.authorities.access import memberships_of, role_permits

register = template.Library()


@register.filter
def can_view_dashboards(user) -> bool:
    # One query on every back-office page: the roles only, not one `can()` per authority.
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    roles = memberships_of(user).values_list("role", flat=True)
    return any(role_permits(role, "view_dashboards") for role in roles)
