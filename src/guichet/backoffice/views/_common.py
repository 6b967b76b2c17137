"""What every back-office view shares: who may enter, and acting as the agent."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from guichet.authorities.access import role_in, role_permits
from guichet.backoffice.selectors import authorities_where, is_agent, is_designer_only
from guichet.cases.models import Request
from guichet.core.journal import Actor


def forbidden(request, message: str = "Cet espace est réservé aux agents des collectivités."):
    return render(
        request, "backoffice/403.html", {"title": "Accès refusé", "message": message}, status=403
    )


def agent_required(view, *, allows=is_agent):
    """Signed in (else the login page) and an agent of some authority (else a French 403):
    `allows(user)` says who enters, by default the agents who handle requests. A designer of
    services only is sent from the back office's home to the designer."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not allows(request.user):
            if is_designer_only(request.user) and request.path == reverse("backoffice:home"):
                # outside the ranking: a designer lands on the designer, an élu on the briefings
                designs = bool(authorities_where(request.user, "design_services"))
                return redirect("backoffice:designer:services" if designs else "steering:briefings")
            return forbidden(request)
        try:
            return view(request, *args, **kwargs)
        except Http404 as missing:
            # the same French page for what does not exist and what the agent may not see
            return render(
                request, "backoffice/404.html",
                {"title": "Introuvable", "message": str(missing) or "Page introuvable."},
                status=404,
            )  # fmt: skip

    return wrapper


class Agent:
    """The signed-in agent acting on one request: their journal actor and role there."""

    def __init__(self, user, case: Request) -> None:
        self.user = user
        self.actor = Actor.agent(user)
        self.role = role_in(user, case.authority_id) or ""
        self.authority_id = case.authority_id

    def can(self, permission: str) -> bool:
        return bool(self.role) and role_permits(self.role, permission)
