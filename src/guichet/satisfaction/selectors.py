"""Reads: a survey by its link, a service's policy, and the scores agents look at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Avg, Count, Q
from django.http import Http404

from guichet.catalogue.models import Channel, Service
from guichet.satisfaction.models import Answer, Survey, SurveySettings

# dimension → (the Answer field to group on, the field giving its label, its French title)
DIMENSIONS: dict[str, tuple[str, str, str]] = {
    "service": ("service_id", "service__name", "Par service"),
    "channel": ("channel", "channel", "Par canal de la demande"),
    "team": ("team_id", "team__name", "Par équipe"),
    "authority": ("authority_id", "authority__name", "Par collectivité"),
}
NO_TEAM = "sans équipe"


@dataclass(frozen=True)
class ScoreRow:
    label: str
    answers: int
    resolved_percent: float  # share of answers saying "resolved", 0–100
    mean_score: float
    reopened: int


def reopens_when_not_resolved(service: Service) -> bool:
    """The service's setting, else the default: reopen for interactive services (reports,
    questions), where "not resolved" means the job is not done; not for instructed files."""
    setting = SurveySettings.objects.filter(service=service).first()
    if setting is not None:
        return setting.reopen_when_not_resolved
    return service.kind == Service.Kind.INTERACTIVE


def survey_by_token(token: str) -> Survey:
    """The survey behind a link, with what its page shows; Http404 for an unknown token."""
    survey = (
        Survey.objects.select_related("request__service", "request__authority")
        .filter(token=token)
        .first()
    )
    if survey is None:
        raise Http404("Questionnaire introuvable.")
    return survey


def answer_of(survey: Survey) -> Answer | None:
    return Answer.objects.filter(survey=survey).first()


def scores(
    *,
    authority_ids,
    by: str = "service",
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[ScoreRow]:
    """Survey results of `authority_ids` grouped by service, channel, team or authority,
    answered in [since, until), most answered first."""
    if by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}")
    key, label_field, _title = DIMENSIONS[by]
    answers = Answer.objects.filter(authority_id__in=list(authority_ids))
    if since is not None:
        answers = answers.filter(answered_at__gte=since)
    if until is not None:
        answers = answers.filter(answered_at__lt=until)
    grouped = (
        answers.values(*dict.fromkeys((key, label_field)))
        .annotate(
            answers=Count("id"),
            resolved=Count("id", filter=Q(resolved=True)),
            mean=Avg("score"),
            reopened_count=Count("id", filter=Q(reopened=True)),
        )
        .order_by("-answers", label_field)
    )
    rows = []
    for group in grouped:
        label = group[label_field]
        if by == "channel":
            label = Channel(label).label if label in Channel.values else label
        rows.append(
            ScoreRow(
                label=label or NO_TEAM,
                answers=group["answers"],
                resolved_percent=round(100 * group["resolved"] / group["answers"], 1),
                mean_score=round(float(group["mean"]), 2),
                reopened=group["reopened_count"],
            )
        )
    return rows
