"""Reads for the broadcast screen: the territory's communes, audience sizes, past broadcasts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, QuerySet

from guichet.authorities.models import Authority
from guichet.core import clock
from guichet.notifications.models import Broadcast, Channel, Notification
from guichet.notifications.selectors import broadcast_audience
from guichet.territory.models import Commune

HISTORY = 20
# 100,000 messages queue in about 25 s: ten minutes later, the task is lost or failed.
STALLED_AFTER = timedelta(minutes=10)


def territory_communes(authority: Authority) -> QuerySet[Commune]:
    """The communes an authority may target, by name (the same territory as the audience)."""
    if authority.commune_id:
        communes = Commune.objects.filter(pk=authority.commune_id)
    elif authority.intercommunality_id:
        communes = Commune.objects.filter(intercommunalities=authority.intercommunality_id)
    elif authority.departement_id:
        communes = Commune.objects.filter(departement_id=authority.departement_id)
    else:
        communes = Commune.objects.none()
    return communes.distinct().order_by("name", "code")


def communes_outside(authority: Authority, commune_ids: list) -> list[str]:
    """Each of `commune_ids` not in the authority's territory, as the agent would name it."""
    wanted = set()
    for value in commune_ids:
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = -1
        if not 0 < number < 2**63:  # beyond a database id: PostgreSQL would fail the query
            return [f"« {value} »"]
        wanted.add(number)
    inside = set(territory_communes(authority).filter(pk__in=wanted).values_list("pk", flat=True))
    missing = wanted - inside
    if not missing:
        return []
    known = dict(Commune.objects.filter(pk__in=missing).values_list("pk", "name"))
    return sorted(known.get(pk, f"commune n° {pk}") for pk in missing)


def counts(
    *,
    authority: Authority,
    channels: list[str],
    communes: list | None = None,
    categories: list[str] | None = None,
) -> dict[str, int]:
    """How many persons each channel would reach (the same query the queueing runs)."""
    return {
        channel: broadcast_audience(
            authority=authority,
            channel=channel,
            communes=communes or None,
            categories=categories or None,
        ).count()  # fmt: skip
        for channel in Channel.values
        if channel in channels
    }


@dataclass(frozen=True)
class PastBroadcast:
    broadcast: Broadcast
    by_status: dict[str, int]

    @property
    def sent(self) -> int:
        return self.by_status.get(Notification.Status.SENT, 0)

    @property
    def failed(self) -> int:
        return self.by_status.get(Notification.Status.FAILED, 0) + self.by_status.get(
            Notification.Status.BOUNCED, 0
        )

    @property
    def resumable(self) -> bool:
        """Failed, or still unfinished long after it started (its task was lost)."""
        b = self.broadcast
        if b.status == Broadcast.Status.FAILED:
            return True
        unfinished = b.status in (Broadcast.Status.PENDING, Broadcast.Status.QUEUEING)
        return unfinished and clock.now() - b.created_at > STALLED_AFTER

    @property
    def waiting(self) -> int:
        return self.by_status.get(Notification.Status.QUEUED, 0) + self.by_status.get(
            Notification.Status.SENDING, 0
        )


def history(authority_ids, limit: int = HISTORY) -> list[PastBroadcast]:
    """The latest broadcasts of these authorities, with their messages counted by status."""
    recent = Broadcast.objects.filter(authority_id__in=authority_ids).select_related(
        "authority", "created_by"
    )[:limit]
    return _counted(list(recent))


def with_counts(broadcast: Broadcast) -> PastBroadcast:
    return _counted([broadcast])[0]


def _counted(broadcasts: list[Broadcast]) -> list[PastBroadcast]:
    tally: dict[int, Counter] = {b.pk: Counter() for b in broadcasts}
    rows = (
        Notification.objects.filter(broadcast__in=list(tally))
        .values("broadcast", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        tally[row["broadcast"]][row["status"]] += row["n"]
    return [PastBroadcast(b, dict(tally[b.pk])) for b in broadcasts]
