"""Who reads which briefing: its elected official, and the managers and administrators of its
authority. Anyone else gets the same « introuvable » as for a briefing that does not exist."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from guichet.authorities.access import authority_ids_for, can
from guichet.authorities.models import Role
from guichet.contracts.models import Briefing, BriefingRemit

ALL_ROLES = [role.value for role in Role]


def reader_authorities(user) -> tuple[set[int], set[int]]:
    """(authorities where `user` reads every briefing, those where only their own)."""
    ids = authority_ids_for(user, roles=ALL_ROLES)
    readable = {pk for pk in ids if can(user, pk, "read_briefings")}
    every = {pk for pk in readable if can(user, pk, "view_dashboards")}
    return every, readable - every


def may_read_briefings(user) -> bool:
    every, own = reader_authorities(user)
    return bool(every or own)


def remits_for(user) -> QuerySet[BriefingRemit]:
    every, own = reader_authorities(user)
    return (
        BriefingRemit.objects.filter(
            Q(authority_id__in=every) | Q(authority_id__in=own, official=user)
        )
        .select_related("authority", "official", "commune")
        .order_by("authority__name", "title", "pk")
    )


def briefings_for(user) -> QuerySet[Briefing]:
    return Briefing.objects.filter(remit__in=remits_for(user)).select_related(
        "remit__authority", "remit__official"
    )


def access_briefing(user, pk) -> Briefing:
    try:
        return briefings_for(user).get(pk=int(pk))
    except (Briefing.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("Note introuvable.") from None
