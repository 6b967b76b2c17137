"""Who may see and do what for which authority: memberships, roles and permissions.

The roles nest: an administrator may do everything a manager may, a manager everything a
case handler may, a case handler everything a front-desk agent may. The table below gives
each permission the least role that holds it. The designer (« concepteur de démarches ») is
outside the ranking: it holds only its own permissions (UNRANKED), designing the authority's
services, and sees no request; an administrator may design too. A superuser holds every permission
everywhere (platform operators, not agents of an authority).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import Http404

from guichet.authorities.models import AgentMembership, Authority, Role

# From the least to the most powerful.
ROLE_ORDER: tuple[Role, ...] = (
    Role.FRONT_DESK,
    Role.CASE_HANDLER,
    Role.MANAGER,
    Role.ADMINISTRATOR,
)

# permission → the least role that holds it
PERMISSIONS: dict[str, Role] = {
    "view_requests": Role.FRONT_DESK,  # see the authority's requests and people's history
    "file_on_behalf": Role.FRONT_DESK,  # file a request for a person at the counter or phone
    "handle_request": Role.CASE_HANDLER,  # instruct: change status, reply, close
    "hand_off": Role.CASE_HANDLER,  # pass a case to another team or authority
    "view_dashboards": Role.MANAGER,  # service-level, satisfaction and journey dashboards
    "manage_routing": Role.MANAGER,  # routing rules, teams' queues, reassignment
    "broadcast": Role.MANAGER,  # send information messages to the territory's persons
    "manage_agents": Role.ADMINISTRATOR,  # add agents, change roles and teams
    "manage_competences": Role.ADMINISTRATOR,  # record transfers and delegations
    "manage_settings": Role.ADMINISTRATOR,  # branding, channels, promises
    "design_services": Role.ADMINISTRATOR,  # the designer: services, forms, workflows, versions
    "read_briefings": Role.MANAGER,  # elected officials' briefings (an élu: their own only)
}

# Roles outside ROLE_ORDER, with the only permissions they hold.
UNRANKED: dict[Role, frozenset[str]] = {
    Role.DESIGNER: frozenset({"design_services"}),
    Role.ELECTED: frozenset({"read_briefings"}),
}


def rank(role: str) -> int:
    """The role's rank in ROLE_ORDER; -1 for a role outside it (UNRANKED)."""
    return -1 if Role(role) in UNRANKED else ROLE_ORDER.index(Role(role))


def role_permits(role: str, permission: str) -> bool:
    """Whether `role` holds `permission` (KeyError for an unknown permission: a typo)."""
    least = PERMISSIONS[permission]
    if Role(role) in UNRANKED:
        return permission in UNRANKED[Role(role)]
    return rank(role) >= rank(least)


def permissions_of(role: str) -> set[str]:
    return {p for p in PERMISSIONS if role_permits(role, p)}


def memberships_of(user) -> QuerySet[AgentMembership]:
    """The user's memberships, with their authority (none for an anonymous user)."""
    if not _is_agent(user):
        return AgentMembership.objects.none()
    return AgentMembership.objects.filter(user=user).select_related("authority")


def authority_ids_for(user, *, roles: Iterable[str] | None = None) -> set[int]:
    """Ids of the authorities `user` works for, with one of `roles` if given.

    `roles` are matched exactly (use `can` for the nested permissions). A superuser gets
    every authority. Without `roles`, the memberships of a role outside the ranking (a
    designer) do not count: what this answers is where an agent sees requests and people.
    """
    if _is_superuser(user):
        return set(Authority.objects.values_list("pk", flat=True))
    memberships = memberships_of(user)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    else:
        memberships = memberships.exclude(role__in=list(UNRANKED))
    return set(memberships.values_list("authority_id", flat=True))


def role_in(user, authority: Authority | int) -> str | None:
    """The user's role for `authority` (administrator for a superuser), or None."""
    if _is_superuser(user):
        return Role.ADMINISTRATOR
    authority_id = authority if isinstance(authority, int) else authority.pk
    return (
        memberships_of(user)
        .filter(authority_id=authority_id)
        .values_list("role", flat=True)
        .first()
    )


def has_role(user, authority: Authority | int, roles: Iterable[str]) -> bool:
    """Whether the user's role for `authority` is one of `roles` (exactly)."""
    role = role_in(user, authority)
    return role is not None and role in set(roles)


def can(user, authority: Authority | int, permission: str) -> bool:
    """Whether `user` holds `permission` for `authority`, following the role hierarchy."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    role = role_in(user, authority)
    return role is not None and role_permits(role, permission)


def access_authority(user, pk: int) -> Authority:
    """The authority `pk` if `user` works for it; Http404 alike for missing and forbidden."""
    authorities = Authority.objects.all()
    if not _is_superuser(user):
        if not _is_agent(user):
            raise Http404("Collectivité introuvable.")
        authorities = authorities.filter(memberships__user=user)
    try:
        return authorities.get(pk=pk)
    except (Authority.DoesNotExist, ValueError, TypeError):
        raise Http404("Collectivité introuvable.") from None


def _is_agent(user) -> bool:
    # An inactive account keeps its memberships for the record but loses their rights.
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def _is_superuser(user) -> bool:
    return _is_agent(user) and bool(getattr(user, "is_superuser", False))
