"""The worker's periodic publication of the open data sets (GUICHET_WORKER_PERIODIC)."""

from __future__ import annotations

from guichet.opendata import actions


def publish_all() -> int:
    """A new version of every data set an authority publishes; the number published."""
    publications = actions.publish_all()
    return sum(1 for p in publications if p.status == p.Status.PUBLISHED)
