"""Reads about followers (issue 16): how many follow a request, said in French."""

from __future__ import annotations

from guichet.cases.models import Follower, Request
from guichet.core.plurals import ngettext


def follower_count(request: Request) -> int:
    return Follower.objects.filter(request=request).count()


def followers_phrase(count: int) -> str:
    """« 3 personnes suivent ce signalement »; "" for none."""
    if count <= 0:
        return ""
    return ngettext(
        "%(n)d personne suit ce signalement", "%(n)d personnes suivent ce signalement", count
    ) % {"n": count}
