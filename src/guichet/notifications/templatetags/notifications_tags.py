"""Whether the signed-in agent sees the broadcast link (the `broadcast` permission)."""

from __future__ import annotations

from django import template

from guichet.authorities.access import memberships_of, role_permits

register = template.Library()


@register.filter
def can_broadcast(user) -> bool:
    # One query per page: the roles only, not one `can()` per authority.
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    roles = memberships_of(user).values_list("role", flat=True)
    return any(role_permits(role, "broadcast") for role in roles)
