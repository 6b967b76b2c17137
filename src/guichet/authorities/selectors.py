"""Reads of the authorities that pages need on every request."""

from __future__ import annotations

from guichet.authorities.models import Authority, Team
from guichet.core import refcache


def authority_by_id(pk: int) -> Authority | None:
    """The authority `pk` (cached per process, `core.refcache`: do not change the object)."""
    return refcache.get(("authority_by_id", pk), lambda: Authority.objects.filter(pk=pk).first())


def team_by_id(pk: int) -> Team | None:
    """The team `pk` (cached per process, `core.refcache`: do not change the object)."""
    return refcache.get(("team_by_id", pk), lambda: Team.objects.filter(pk=pk).first())
