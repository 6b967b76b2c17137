"""A service's promise beside what recent requests show, in plain French, for both sides.

The promise (`Service.sla_working_days`) is the commitment; the estimate (`delay_estimate`) is
what happened lately, counted the same way (French working days, without the days spent
waiting for the person). The portal says both without mixing them; the managers' overdue page
flags a service that does not keep its own promise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache

from guichet.cases.models import Request
from guichet.catalogue.models import Service
from guichet.catalogue.selectors import service_by_id
from guichet.core import calendar, refcache
from guichet.core.plurals import ngettext

# A promise is kept when at least this share of recent requests was answered within it.
KEPT_SHARE = 0.8


@dataclass(frozen=True)
class DelayEstimate:
    """How long comparable requests took, in French working days, not counting the days they
    waited for the person (the way the promise is counted, `core.calendar.due_date`).

    `median_days`: half were answered in that many working days or fewer; `p90_days`: nine in
    ten were. Both are observed durations, so the sentences built on them are exactly true.
    """

    median_days: int
    p90_days: int
    sample: int
    within_promise: int | None = None  # how many took no longer than the service's promise


MIN_SAMPLE = 5


DELAY_CACHE_SECONDS = 600


def delay_estimate(
    service_id: int, authority_id: int, *, sample_size: int = 300
) -> DelayEstimate | None:
    """Median and 90th percentile of how long comparable requests took (same service and
    authority, the most recent resolved ones). None below MIN_SAMPLE: no estimate beats a
    made-up one."""
    key = f"cases:delay-working:{service_id}:{authority_id}:{sample_size}"

    def shared() -> DelayEstimate | str:
        cached: DelayEstimate | str | None = cache.get(key)
        if cached is None:
            # Recent history moves slowly: ten minutes of staleness buys a query per page view.
            cached = _delay_estimate(service_id, authority_id, sample_size) or "none"
            cache.set(key, cached, DELAY_CACHE_SECONDS)
        return cached

    # In this process for a minute, in the shared cache for ten: one round trip saved a page.
    found = refcache.get(("delay_estimate", key), shared, max_age=60)
    return found if isinstance(found, DelayEstimate) else None  # else "none"


def _delay_estimate(service_id: int, authority_id: int, sample_size: int) -> DelayEstimate | None:
    rows_ = (
        Request.objects.filter(
            service_id=service_id,
            authority_id=authority_id,
            resolved_at__isnull=False,
            is_test=False,  # a designer's test request says nothing of delays (ADR 0027)
        )
        .order_by("-resolved_at")
        .values_list("received_at", "resolved_at", "pauses", "commune__departement__code")[
            :sample_size
        ]
    )
    durations = sorted(
        working_days_taken(received, resolved, pauses, departement)
        for received, resolved, pauses, departement in rows_
        if resolved is not None  # always (the filter): for the type checker
    )
    if len(durations) < MIN_SAMPLE:
        return None
    promised = getattr(service_by_id(service_id), "sla_working_days", None)
    return DelayEstimate(
        median_days=_observed_quantile(durations, tenths=5),
        p90_days=_observed_quantile(durations, tenths=9),
        sample=len(durations),
        within_promise=None if promised is None else sum(1 for d in durations if d <= promised),
    )


def _observed_quantile(ordered: list[int], *, tenths: int) -> int:
    """The smallest observed value at or below which at least `tenths`/10 of `ordered` lie
    (in integers: 0.9 × 10 is 9.000000000000002 in floating point)."""
    return ordered[max(-(-tenths * len(ordered) // 10) - 1, 0)]


def working_days_taken(
    received: datetime,
    resolved: datetime,
    pauses: list[list[str]] | None,
    departement: str | None = None,
) -> int:
    """Working days from receipt to resolution, less those spent waiting for the person
    (closed pauses, counted as `core.calendar.due_date` gives them back)."""
    taken = calendar.working_days_between(received, resolved, departement=departement)
    spans = []
    for start, end in pauses or []:
        begin, finish = max(datetime.fromisoformat(start), received), datetime.fromisoformat(end)
        if finish > begin:
            spans.append((begin, finish))
    merged: list[tuple[datetime, datetime]] = []
    for begin, finish in sorted(spans):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
        else:
            merged.append((begin, finish))
    waited = sum(
        calendar.working_days_between(begin, finish, departement=departement)
        for begin, finish in merged
    )
    return max(taken - waited, 0)


def working_days(count: int) -> str:
    """ "1 jour ouvré", "16 jours ouvrés"."""
    return ngettext("%(n)d jour ouvré", "%(n)d jours ouvrés", count) % {"n": count}


@dataclass(frozen=True)
class Promise:
    promised_days: int | None  # the service's commitment, None when it promises nothing
    estimate: DelayEstimate | None  # recent reality, None without enough resolved requests

    @property
    def promised(self) -> str:
        """ "réponse sous 10 jours ouvrés" ("" without a promise)."""
        if self.promised_days is None:
            return ""
        return f"réponse sous {working_days(self.promised_days)}"

    @property
    def commitment(self) -> str:
        """ "Notre engagement : réponse sous 10 jours ouvrés." ("" without a promise)."""
        return f"Notre engagement : {self.promised}." if self.promised else ""

    @property
    def observed(self) -> str:
        """ "la moitié des demandes ont reçu une réponse en 16 jours ouvrés ou moins ; 9 sur 10
        en 32 jours ouvrés ou moins": observed facts, never a promise ("" without enough)."""
        estimate = self.estimate
        if estimate is None:
            return ""
        median, p90 = estimate.median_days, estimate.p90_days
        if median == 0:
            half = "la moitié des demandes ont reçu une réponse le jour même"
        else:
            half = f"la moitié des demandes ont reçu une réponse en {working_days(median)} ou moins"
        if p90 == median:
            return f"{half}, et 9 sur 10 aussi"
        return f"{half} ; 9 sur 10 en {working_days(p90)} ou moins"

    @property
    def reality(self) -> str:
        """ "Ces derniers mois, la moitié des demandes … ." ("" without enough requests)."""
        return f"Ces derniers mois, {self.observed}." if self.observed else ""

    @property
    def share_within(self) -> float | None:
        """The share of recent requests answered within the promise (None: nothing to judge)."""
        estimate = self.estimate
        if self.promised_days is None or estimate is None or estimate.within_promise is None:
            return None
        return estimate.within_promise / estimate.sample

    @property
    def kept(self) -> bool | None:
        """Whether recent requests show the promise kept (None: nothing to judge)."""
        share = self.share_within
        return None if share is None else share >= KEPT_SHARE

    @property
    def warning(self) -> str:
        """For the service's managers, when the promise is not kept ("" otherwise)."""
        if self.kept is not False or self.estimate is None or self.promised_days is None:
            return ""
        within = self.estimate.within_promise or 0
        sample = self.estimate.sample
        return (
            f"Ce service ne tient pas son engagement : {working_days(self.promised_days)} "
            "promis, mais seulement "
            + ngettext(
                "%(within)d demande récente sur %(sample)d a reçu sa réponse dans ce délai",
                "%(within)d demandes récentes sur %(sample)d ont reçu leur réponse dans ce délai",
                within,
            )
            % {"within": within, "sample": sample}
            + "."
        )


def promise_of(service: Service, authority_id: int) -> Promise:
    """The promise of `service` as delivered by the authority `authority_id`."""
    return Promise(
        promised_days=service.sla_working_days,
        estimate=delay_estimate(service.pk, authority_id),
    )


@dataclass(frozen=True)
class MissedPromise:
    service: Service
    authority_id: int
    promise: Promise


def promises_missed(authority_ids: Iterable[int]) -> list[MissedPromise]:
    """The services these authorities deliver whose recent requests show the promise not kept
    (for their managers), worst first."""
    pairs = (
        Request.objects.filter(
            authority_id__in=list(authority_ids),
            resolved_at__isnull=False,
            service__sla_working_days__isnull=False,
            is_test=False,
        )
        .order_by()  # the model's ordering would make DISTINCT keep one row per request
        .values_list("service_id", "authority_id")
        .distinct()
    )
    missed = []
    for service_id, authority_id in pairs:
        service = service_by_id(service_id)
        if service is None:
            continue
        promise = promise_of(service, authority_id)
        if promise.kept is False:
            missed.append(MissedPromise(service, authority_id, promise))
    return sorted(missed, key=lambda m: (m.promise.share_within or 0.0, m.service.name))
