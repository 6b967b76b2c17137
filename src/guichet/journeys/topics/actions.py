"""Refreshing an authority's topics: one transaction, one journal event."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction

from guichet.authorities.models import Authority
from guichet.core import clock, journal
from guichet.core.calendar import PARIS
from guichet.core.journal import Actor
from guichet.journeys.topics.anonymise import anonymise
from guichet.journeys.topics.model import find_topics, monday
from guichet.journeys.topics.models import Topic, TopicRun
from guichet.journeys.topics.texts import MAX_TEXTS, documents_of

TOPICS_REFRESHED = "journeys.topics-refreshed"
SYSTEM = Actor.system("sujets émergents")
HISTORY_WEEKS = 26  # half a year of texts: enough for a usual level, recent enough to matter


def _iso(counts: dict[date, int]) -> dict[str, int]:
    return {day.isoformat(): int(n) for day, n in sorted(counts.items())}


def refresh_topics(
    *,
    authority: Authority,
    actor: Actor = SYSTEM,
    now: datetime | None = None,
    limit: int = MAX_TEXTS,
) -> TopicRun:
    """Find `authority`'s topics in its last HISTORY_WEEKS weeks of texts and store them in
    place of the previous run (event `journeys.topics-refreshed`)."""
    now = now or clock.now()
    today = now.astimezone(PARIS).date()
    since_day = monday(today) - timedelta(weeks=HISTORY_WEEKS)
    since = datetime(since_day.year, since_day.month, since_day.day, tzinfo=PARIS)
    docs = documents_of(authority.pk, since=since, limit=limit)
    found = find_topics(docs.texts, docs.weeks, docs.communes, as_of=today)
    with transaction.atomic():
        TopicRun.objects.filter(authority=authority).delete()
        run = TopicRun.objects.create(
            authority=authority, computed_at=now, as_of=today, texts=len(docs), since=since_day
        )
        Topic.objects.bulk_create(
            Topic(
                run=run,
                rank=t.rank,
                label=t.label[:200],
                words=t.words,
                examples=[anonymise(docs.texts[i], docs.names[i]) for i in t.examples],
                size=t.size,
                weekly=_iso(t.weekly),
                by_commune={code: _iso(weeks) for code, weeks in t.by_commune.items()},
                last_week=t.last_week,
                last_count=t.last_count,
                usual=t.usual,
                z_score=t.z_score,
                emerging=t.emerging,
            )  # fmt: skip
            for t in found
        )
        journal.append(
            kind=TOPICS_REFRESHED, actor=actor, authority_id=authority.pk, subject=run,
            payload={"texts": len(docs), "topics": len(found),
                     "emerging": [t.label for t in found if t.emerging]},
        )  # fmt: skip
    return run
