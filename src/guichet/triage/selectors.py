"""What the pages read: a request's suggestions, and the figures of the admin page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from guichet.catalogue.models import Service
from guichet.triage.models import Suggestion, TriageModel


@dataclass(frozen=True)
class Choice:
    slug: str
    name: str
    score: float

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def _names(slugs: list[str]) -> dict[str, str]:
    return dict(Service.objects.filter(slug__in=slugs).values_list("slug", "name"))


def panel(request_id: int) -> dict[str, Any] | None:
    """The suggestions block of the agent's request page; None when there is none."""
    suggestion = Suggestion.objects.select_related("model").filter(request_id=request_id).first()
    if suggestion is None:
        return None
    slugs = [slug for slug, _score in suggestion.suggestions]
    names = _names(slugs + ([suggestion.chosen] if suggestion.chosen else []))
    return {
        "suggestion": suggestion,
        "choices": [Choice(s, names.get(s, s), score) for s, score in suggestion.suggestions],
        "chosen_name": names.get(suggestion.chosen, suggestion.chosen),
        "decided": suggestion.outcome
        in (Suggestion.Outcome.CONFIRMED, Suggestion.Outcome.CORRECTED),
        "threshold": suggestion.model.threshold if suggestion.model else None,
    }


def overview() -> list[dict[str, Any]]:
    """For each authority's active model: its scores, its confusions, and what became of its
    suggestions (above the threshold, later corrected)."""
    rows = []
    for model in TriageModel.objects.filter(is_active=True).select_related("authority"):
        counts = Suggestion.objects.filter(request__authority_id=model.authority_id).aggregate(
            total=Count("pk"),
            above=Count("pk", filter=Q(above_threshold=True)),
            above_corrected=Count(
                "pk", filter=Q(above_threshold=True, outcome=Suggestion.Outcome.CORRECTED)
            ),
            confirmed=Count("pk", filter=Q(outcome=Suggestion.Outcome.CONFIRMED)),
            corrected=Count("pk", filter=Q(outcome=Suggestion.Outcome.CORRECTED)),
        )
        names = _names(model.labels)
        labels = [names.get(slug, slug) for slug in model.labels]
        confusions = [
            {"truth": labels[i], "predicted": labels[j], "count": count}
            for i, row in enumerate(model.confusion)
            for j, count in enumerate(row)
            if i != j and count
        ]
        confusions.sort(key=lambda c: -c["count"])
        rows.append(
            {
                "model": model, "counts": counts, "labels": labels,
                "matrix": list(zip(labels, model.confusion, strict=False)),
                "confusions": confusions[:20],
            }
        )  # fmt: skip
    return rows
