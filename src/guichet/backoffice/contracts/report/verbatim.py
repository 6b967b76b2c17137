"""The residents' satisfaction comments as a report may quote them: no name, e-mail address
or phone number (the topics' anonymiser, with each writer's own names)."""

from __future__ import annotations

from guichet.cases.models import Request
from guichet.contracts.indicators import Fact
from guichet.journeys.topics.anonymise import anonymise

MAX_QUOTES = 40


def quotes(facts: list[Fact], *, limit: int = MAX_QUOTES) -> list[tuple[str, int | None, str]]:
    """(month label source, score, anonymised comment) of the latest comments, newest first."""
    commented = [f for f in facts if f.comments][-limit:]
    names = {
        pk: (first, last)
        for pk, first, last in Request.objects.filter(
            pk__in=[f.request_id for f in commented]
        ).values_list("pk", "person__first_name", "person__last_name")
    }
    found = []
    for fact in reversed(commented):
        for comment in fact.comments:
            found.append(
                (
                    fact.month.isoformat()[:7],
                    fact.score,
                    anonymise(comment, names.get(fact.request_id, ())),
                )
            )
    return found[:limit]
