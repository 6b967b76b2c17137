"""What every portal page shares: the signed-in person in the header, French refusal pages."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.shortcuts import render

from guichet.core.ratelimit import Verdict, client_ip, hit
from guichet.portal.session import current_person


def page(http_request, template: str, context: dict | None = None, *, status: int = 200):
    context = {"signed_in_person": current_person(http_request), **(context or {})}
    return render(http_request, template, context, status=status)


def not_found(http_request, message: str = "Cette page n'existe pas."):
    return page(
        http_request, "portal/not_found.html", {"title": "Page introuvable", "message": message},
        status=404,
    )  # fmt: skip


def limited(http_request, scope: str, *, limit: int, window: int) -> Verdict:
    return hit(f"portal.{scope}", client_ip(http_request), limit=limit, window=window)


def too_many_tries(http_request, verdict: Verdict):
    response = page(
        http_request, "portal/too_many.html",
        {"title": "Trop de tentatives", "retry_after": max(verdict.retry_after, 1)}, status=429,
    )  # fmt: skip
    response["Retry-After"] = str(max(verdict.retry_after, 1))
    return response


class SeeOther(HttpResponseRedirect):
    status_code = 303


def leave_secret_url(url: str) -> HttpResponseRedirect:
    """303 from a link that carries a secret to `url`, which does not: the secret then stays
    out of the address bar, the history and the logs, and is never sent on as a Referer."""
    response = SeeOther(url)
    response["Referrer-Policy"] = "no-referrer"
    return response
