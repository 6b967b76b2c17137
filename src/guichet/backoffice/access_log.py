"""What an agent's pages write in the access log of the persons they show (people.rights)."""

from __future__ import annotations

from guichet.authorities.access import memberships_of, role_in
from guichet.authorities.models import Role
from guichet.people.rights.actions import record_access


def role_label(role: str | None) -> str:
    try:
        return str(Role(role).label) if role else ""
    except ValueError:
        return role or ""


def log_view(user, *, person, what: str, authority_id: int | None = None, role: str | None = None):
    """Log that `user` looked at `what` of `person`: one INSERT when the page knows the
    authority and the role (a request's page), one SELECT more otherwise (the role there, or
    for a person's page the agent's first membership; a platform administrator without one is
    logged as such)."""
    if authority_id is None:
        membership = memberships_of(user).values_list("authority_id", "role").first()
        if membership is not None:
            authority_id, role = membership
        elif getattr(user, "is_superuser", False):
            role = Role.ADMINISTRATOR
    elif role is None:
        role = role_in(user, authority_id)
    return record_access(
        agent=user, authority=authority_id, person=person, what=what, role=role_label(role)
    )
