"""What the agents' notification screens share: who may enter, French refusal pages."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from guichet.authorities.access import authority_ids_for, can
from guichet.authorities.models import Authority


def authorities_where(user, permission: str) -> list[Authority]:
    """The authorities where `user` holds `permission`, by name."""
    ids = [pk for pk in authority_ids_for(user) if can(user, pk, permission)]
    return list(Authority.objects.filter(pk__in=ids).order_by("name"))


def chosen(authorities: list[Authority], slug: str | None) -> Authority:
    """The authority named by `slug` among `authorities` (the first when none is named)."""
    if not slug:
        return authorities[0]
    for authority in authorities:
        if authority.slug == slug:
            return authority
    raise Http404("Collectivité introuvable.")


def agents_with(permission: str, refusal: str):
    """Signed in (else the login page), holding `permission` somewhere (else a French 403).

    The view gets the list of those authorities as its second argument; an Http404 it raises
    becomes the back office's French "introuvable" page, alike for missing and forbidden.
    """

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            authorities = authorities_where(request.user, permission)
            if not authorities:
                return render(
                    request, "backoffice/403.html", {"title": "Accès refusé", "message": refusal},
                    status=403,
                )  # fmt: skip
            try:
                return view(request, authorities, *args, **kwargs)
            except Http404 as missing:
                return render(
                    request, "backoffice/404.html",
                    {"title": "Introuvable", "message": str(missing) or "Page introuvable."},
                    status=404,
                )  # fmt: skip

        return wrapper

    return decorate
