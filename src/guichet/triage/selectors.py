"""What the pages read: a request's suggestions, and the figures of the admin page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from guichet.cases.events import REQUALIFIED
from guichet.cases.models import Request
from guichet.catalogue.models import Service
from guichet.catalogue.selectors import published_services
from guichet.core.models import Event
from guichet.triage import replies
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
    """The triage block of the agent's request page: the service suggestions of a request
    that arrived as free text, and replies to similar resolved requests; None when neither."""
    suggestion = (
        Suggestion.objects.select_related("model", "request__service")
        .filter(request_id=request_id)
        .first()
    )
    if suggestion is None:
        request = Request.objects.select_related("service").filter(pk=request_id).first()
        if request is None:
            return None
        return {
            "suggestion": None, "replies": replies.reply_suggestions(request),
            "services": _other_services(request),
        }  # fmt: skip
    slugs = [slug for slug, _score in suggestion.suggestions]
    names = _names(slugs + ([suggestion.chosen] if suggestion.chosen else []))
    return {
        "suggestion": suggestion,
        "choices": [Choice(s, names.get(s, s), score) for s, score in suggestion.suggestions],
        "chosen_name": names.get(suggestion.chosen, suggestion.chosen),
        "decided": suggestion.outcome
        in (Suggestion.Outcome.CONFIRMED, Suggestion.Outcome.CORRECTED),
        "threshold": suggestion.model.threshold if suggestion.model else None,
        "auto_routed": suggestion.outcome == Suggestion.Outcome.AUTO_ROUTED,
        "replies": replies.reply_suggestions(suggestion.request),
        "services": _other_services(suggestion.request),
    }


def _other_services(request: Request) -> list[tuple[str, str]]:
    """The services an open request may be moved to (« Changer de service »)."""
    if not request.is_open or request.is_test:
        return []
    return [
        (service.slug, service.name)
        for service in published_services()
        if service.accepts_requests and service.pk != request.service_id
    ]


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
        counts["auto_routed"] = Suggestion.objects.filter(
            request__authority_id=model.authority_id, outcome=Suggestion.Outcome.AUTO_ROUTED
        ).count()
        counts["above_corrected"] += _auto_routed_then_moved(model.authority_id)
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


def _auto_routed_then_moved(authority_id: int) -> int:
    """Auto-routed requests an agent later moved to another service by requalifying them
    directly (the one-click correction counts through its outcome, `corrected`)."""
    routed = Suggestion.objects.filter(
        request__authority_id=authority_id, outcome=Suggestion.Outcome.AUTO_ROUTED
    ).values("request_id")
    return (
        Event.objects.filter(kind=REQUALIFIED, case_id__in=routed, payload__automatic=False)
        .values("case_id")
        .distinct()
        .count()
    )
