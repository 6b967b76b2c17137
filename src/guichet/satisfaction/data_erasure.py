"""The surveys' share of an erasure (people.rights.erasure, ADR 0025): the score, the
resolution and the team stay; the person's comment goes."""

from __future__ import annotations

from guichet.people.rights.erasure import ERASED, Batch, Part, register
from guichet.satisfaction.models import Answer


def _erase(batch: Batch) -> dict[str, int]:
    if not batch.cases:
        return {}
    answers = Answer.objects.filter(survey__request_id__in=list(batch.cases))
    return {"survey_comments": answers.exclude(comment="").update(comment=ERASED)}


register(Part(name="satisfaction", order=40, erase=_erase))
