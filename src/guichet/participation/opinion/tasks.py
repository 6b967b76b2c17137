"""The opinion map's background computation, debounced, never on a request path.

The worker runs `refresh_stale` periodically (GUICHET_WORKER_PERIODIC): a consultation's map
is recomputed when a vote is newer than the map and either the votes have been quiet for
`QUIET` (a burst is read once, at its end) or the map is older than `MAX_STALE` (a steady
stream still refreshes it).
"""

from __future__ import annotations

import logging
from datetime import timedelta

import numpy as np
from django.db.models import Max

from guichet.core import clock
from guichet.participation.actions import opinion as actions
from guichet.participation.models.consultations import Consultation
from guichet.participation.models.opinion import OpinionMap, Vote
from guichet.participation.opinion import compute

logger = logging.getLogger(__name__)

QUIET = timedelta(seconds=30)
MAX_STALE = timedelta(minutes=5)


def recompute(consultation: Consultation) -> OpinionMap:
    """Read the consultation's votes (hidden and pre-moderated statements left out), compute
    the map and store it."""
    rows = list(
        Vote.objects.filter(
            consultation=consultation,
            statement__hidden_at__isnull=True,
            statement__awaiting_moderation=False,
        ).values_list("person_id", "statement_id", "value", "voted_at")
    )
    through = max((r[3] for r in rows), default=None)
    people = np.array(sorted({r[0] for r in rows}), dtype=np.int64)
    statements = np.array(sorted({r[1] for r in rows}), dtype=np.int64)
    if rows:
        person_ids = np.fromiter((r[0] for r in rows), np.int64, len(rows))
        statement_ids = np.fromiter((r[1] for r in rows), np.int64, len(rows))
        values = np.fromiter((r[2] for r in rows), np.int8, len(rows))
        matrix, mask = compute.vote_matrix(
            np.searchsorted(people, person_ids),
            np.searchsorted(statements, statement_ids),
            values,
            (len(people), len(statements)),
        )
    else:
        matrix, mask = compute.vote_matrix(
            np.array([], np.int64), np.array([], np.int64), np.array([], np.int8), (0, 0)
        )
    result = compute.compute(matrix, mask)
    return actions.store_map(
        consultation=consultation, result=result, person_ids=people,
        statement_ids=statements, votes_through=through,
    )  # fmt: skip


def stale(now=None) -> list[Consultation]:
    """Consultations whose map is due (see the module's docstring)."""
    now = now or clock.now()
    due = []
    latest = Vote.objects.values("consultation_id").annotate(last=Max("voted_at")).order_by()
    maps = dict(OpinionMap.objects.values_list("consultation_id", "votes_through"))
    computed = dict(OpinionMap.objects.values_list("consultation_id", "computed_at"))
    for entry in latest:
        cid, last = entry["consultation_id"], entry["last"]
        through = maps.get(cid)
        if through is not None and last <= through:
            continue
        quiet = now - last >= QUIET
        overdue = cid in computed and now - computed[cid] >= MAX_STALE
        first = cid not in computed
        if quiet or overdue or (first and now - last >= QUIET):
            due.append(cid)
    return list(Consultation.objects.filter(pk__in=due).select_related("authority"))


def refresh_stale() -> int:
    """The periodic job: recompute every due map; the number recomputed."""
    done = 0
    for consultation in stale():
        try:
            recompute(consultation)
        except Exception:
            logger.exception("opinion map of consultation %s failed", consultation.pk)
            continue
        done += 1
    return done
