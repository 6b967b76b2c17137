"""Agents' and the admin's password logins are throttled by django-axes (settings `AXES_*`).

Failed attempts are counted in the shared cache per account and per client address (read by
`ratelimit.client_address`, so behind `GUICHET_TRUSTED_PROXIES` too); past the limit the
login is refused for the cool-off time, even with the right password, with the French page of
`lockout_response`. Each lock-out is one journal event, `account.locked_out`.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off, get_failure_limit
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from guichet.core import journal
from guichet.core.journal import Actor
from guichet.core.models import Event, User

LOCKED_OUT = "account.locked_out"


class LoginThrottle(AxesStandaloneBackend):
    """axes' backend, first in AUTHENTICATION_BACKENDS: it refuses locked-out logins.

    An `authenticate()` without a request (scripts, the test client's `login`) comes from no
    client whose attempts could be counted: it is let through to the next backends instead of
    failing, as axes does.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        # axes authenticates nobody: it raises when the login is locked out, else answers None.
        super().authenticate(request, username, password, **kwargs)
        return None


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    cool_off = get_cool_off(request)
    minutes = max(int(cool_off.total_seconds() // 60), 1) if cool_off else 15
    response = render(
        request, "core/locked_out.html",
        {"title": "Connexion temporairement bloquée", "minutes": minutes}, status=429,
    )  # fmt: skip
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


@transaction.atomic
def record_lockout(*, username: str | None, ip_address: str | None, path: str) -> Event:
    """One event for a lock-out. The account is named only when it exists: what was typed in
    the user name field may be a password typed in the wrong box."""
    user = User.objects.filter(username=username).first() if username else None
    return journal.append(
        kind=LOCKED_OUT, actor=Actor.system("protection des connexions"), subject=user,
        payload={"username": user.get_username() if user else None,
                 "ip_address": ip_address or "", "path": path},
    )  # fmt: skip


def on_locked_out(
    sender: Any,
    request: HttpRequest | None = None,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    """axes' `user_locked_out` signal: record the lock-out once, when the limit is reached
    (axes sends it again for every attempt made while locked out)."""
    if request is None:
        return
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is not None and failures != get_failure_limit(
        request, getattr(request, "axes_credentials", None)
    ):
        return
    record_lockout(username=username, ip_address=ip_address, path=request.path)
