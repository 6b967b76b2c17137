"""Reading the stored topics (never computed on a page view)."""

from __future__ import annotations

from collections.abc import Iterable

from guichet.journeys.topics.models import Topic, TopicRun


def latest_runs(authority_ids: Iterable[int]) -> list[TopicRun]:
    return list(
        TopicRun.objects.filter(authority_id__in=list(authority_ids))
        .select_related("authority")
        .order_by("authority__name")
    )


def topics_of(authority_ids: Iterable[int]) -> list[Topic]:
    return list(
        Topic.objects.filter(run__authority_id__in=list(authority_ids))
        .select_related("run__authority")
        .order_by("run__authority__name", "rank")
    )


def emerging_topics(authority_ids: Iterable[int]) -> list[Topic]:
    """The topics flagged as emerging, the strongest jump first."""
    return sorted(
        (t for t in topics_of(authority_ids) if t.emerging),
        key=lambda t: -(t.z_score or 0),
    )


def topic_for(authority_ids: Iterable[int], pk: int) -> Topic | None:
    """The topic `pk` if it belongs to one of `authority_ids` (None alike for missing and
    forbidden)."""
    return (
        Topic.objects.filter(pk=pk, run__authority_id__in=list(authority_ids))
        .select_related("run__authority")
        .first()
    )
