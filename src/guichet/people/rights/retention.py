"""Retention: a person's identifying data is erased once nothing needs it any more (ADR 0025).

Each service keeps the data of a request for `Service.retention_days` after its closure (the
platform's GUICHET_RETENTION_DAYS when empty). A person expires when every app lets them go
(the `keeps` condition of each erasure part is false): no open request, no request closed
within its service's retention, no upcoming appointment and none within the platform's
retention; a record holding nothing at all (an account never used) lives for the platform's
retention after its creation. `run()` erases the expired persons in batches, each batch its own short
transaction (the request queue is never held for long; a crash loses one batch, which the next
run takes again), and records one `retention.run` event with the counts.

The worker runs it daily (GUICHET_WORKER_PERIODIC); `guichet retention --dry-run` tells what it
would do.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from guichet.catalogue.models import Service
from guichet.core import clock, journal
from guichet.core.journal import Actor
from guichet.people.models import Person
from guichet.people.rights.erasure import erase_batch, parts

logger = logging.getLogger(__name__)

RUN_KIND = "retention.run"
RETENTION = Actor.system("conservation des données")
BATCH_SIZE = 500


def expired(now: datetime | None = None) -> QuerySet[Person]:
    """The persons whose identifying data no app needs any more at `now`."""
    now = now or clock.now()
    persons = Person.objects.filter(erased_at__isnull=True, merged_into__isnull=True)
    holds = Q(pk__in=[])
    for part in parts():
        if part.keeps is not None:
            persons = persons.exclude(part.keeps(now))
        if part.holds is not None:
            holds |= part.holds()
    # A record nothing else holds (an account, a person met at the counter) lives for the
    # platform's retention after its creation.
    recent = now - timedelta(days=settings.GUICHET_RETENTION_DAYS)
    return persons.exclude(Q(created_at__gt=recent) & ~holds)


def run(
    *, dry_run: bool = False, batch_size: int = BATCH_SIZE, now: datetime | None = None
) -> dict[str, Any]:
    """Erase every expired person, `batch_size` per transaction; one `retention.run` event
    with the counts (also when interrupted: then `interrupted` is true). Returns the counts."""
    now = now or clock.now()
    ids = list(expired(now).order_by("pk").values_list("pk", flat=True))
    counts: dict[str, Any] = {"expired": len(ids), "persons": 0, "batches": 0}
    if dry_run:
        return counts
    try:
        for start in range(0, len(ids), batch_size):
            with transaction.atomic():
                # Read again inside the batch: someone may have filed a request since.
                still = list(
                    expired(now)
                    .filter(pk__in=ids[start : start + batch_size])
                    .values_list("pk", flat=True)
                )
                for name, count in erase_batch(still, actor=RETENTION).items():
                    counts[name] = counts.get(name, 0) + count
            counts["batches"] += 1
    except Exception:
        counts["interrupted"] = True
        _record(counts)
        raise
    _record(counts)
    return counts


def _record(counts: dict[str, Any]) -> None:
    with transaction.atomic():
        journal.append(kind=RUN_KIND, actor=RETENTION, payload={"counts": counts})


def run_periodic() -> int:
    """The worker's daily job: `run()`, the number of persons erased."""
    counts = run()
    logger.info("retention: %s", counts)
    return int(counts.get("persons", 0))


@dataclass(frozen=True)
class Rule:
    """How long one service (None: the platform's default) keeps personal data after closure,
    and how many requests the next run would anonymise under it."""

    service: Any
    days: int
    expected_requests: int

    @property
    def is_default(self) -> bool:
        return self.service is None


def forecast(now: datetime | None = None) -> tuple[int, list[Rule]]:
    """What the next run would do: the persons it would erase and, per rule, the requests
    whose personal data it would anonymise (services without a rule of their own are counted
    under the default)."""
    now = now or clock.now()
    persons = expired(now)
    per_service: dict[int, int] = {}
    for part in parts():
        if part.per_service is not None:
            for pk, count in part.per_service(persons).items():
                per_service[pk] = per_service.get(pk, 0) + count
    default_days = settings.GUICHET_RETENTION_DAYS
    rules = [
        Rule(service=s, days=s.retention_days or 0, expected_requests=per_service.get(s.pk, 0))
        for s in Service.objects.exclude(retention_days=None).order_by("name")
    ]
    explicit = {rule.service.pk for rule in rules}
    default_count = sum(n for pk, n in per_service.items() if pk not in explicit)
    rules.insert(0, Rule(service=None, days=default_days, expected_requests=default_count))
    return persons.count(), rules
