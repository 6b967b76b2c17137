"""The worker's periodic retraining (GUICHET_WORKER_PERIODIC)."""

from __future__ import annotations

import logging

from guichet.authorities.models import Authority
from guichet.triage import actions

logger = logging.getLogger(__name__)


def retrain_all() -> int:
    """A new version for every active authority with enough confirmed requests; the number
    trained. An authority whose data cannot train (one service, too few) is skipped."""
    trained = 0
    for authority in Authority.objects.filter(is_active=True).order_by("pk"):
        try:
            actions.train_model(authority=authority, actor=actions.SYSTEM)
        except actions.TriageError as error:
            logger.info("triage: %s not retrained: %s", authority.slug, error)
            continue
        trained += 1
    return trained
