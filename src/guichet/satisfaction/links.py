"""Survey links: a signed token derived from the request and the moment it was resolved.

Deriving the token (rather than drawing it at random) lets the closure message build the link
even if it is written before the survey row: both happen after the same commit, in an order
nobody controls.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

from guichet.cases.models import Request

SALT = "guichet.satisfaction.survey"


def survey_token(request: Request) -> str:
    """128 bits of HMAC over the request and its resolution: unguessable without SECRET_KEY."""
    if request.resolved_at is None:
        raise ValueError("a survey needs a resolved request")
    moment = int(request.resolved_at.timestamp() * 1_000_000)
    return salted_hmac(SALT, f"{request.pk}:{moment}", algorithm="sha256").hexdigest()[:32]


def survey_path(token: str) -> str:
    return reverse("satisfaction:survey", kwargs={"token": token})


def survey_url(request: Request) -> str:
    """The absolute link to the survey of `request`'s latest resolution ("" if not resolved).

    An already-opened survey keeps its stored token, so links stay valid if SECRET_KEY changes.
    """
    if request.resolved_at is None:
        return ""
    stored = (
        request.surveys.filter(opened_at__gte=request.resolved_at)
        .values_list("token", flat=True)
        .first()
    )
    token = stored or survey_token(request)
    return f"{settings.GUICHET_BASE_URL}{survey_path(token)}"
