"""The worker's periodic refresh of every authority's topics (GUICHET_WORKER_PERIODIC)."""

from __future__ import annotations

from guichet.authorities.models import Authority
from guichet.journeys.topics import actions


def refresh_all() -> int:
    """Refresh the topics of every active authority; the number of runs stored."""
    count = 0
    for authority in Authority.objects.filter(is_active=True).order_by("pk"):
        actions.refresh_topics(authority=authority)
        count += 1
    return count
