"""Every write of triage: train a version, suggest a service, confirm or correct it.
One transaction and one journal event each (ADR 0028)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max

from guichet.authorities.models import Authority
from guichet.cases import actions as cases
from guichet.cases.models import Request
from guichet.catalogue import free_text
from guichet.catalogue.models import Service
from guichet.core import clock, journal
from guichet.core.journal import Actor
from guichet.triage import classifier, events, store
from guichet.triage.models import DEFAULT_THRESHOLD, Suggestion, TriageModel

SYSTEM = Actor.system("tri des demandes")
# Services under which requests arrive as free text, waiting for triage (catalogue.free_text).
FREE_TEXT_SERVICES = free_text.FREE_TEXT_SERVICES
# Answers that are addresses or identifiers, not a description of the need.
NOT_DESCRIPTION = frozenset({"expediteur", "email", "telephone", "courriel"})
MAX_TRAINING = 100_000


class TriageError(Exception):
    """A French reason why the action cannot be done."""


def request_text(request: Request) -> str:
    """What the classifier reads: the summary and the free-text answers."""
    parts = [request.summary or ""]
    for name, value in (request.form_data or {}).items():
        if name not in NOT_DESCRIPTION and isinstance(value, str) and "@" not in value:
            parts.append(value)
    return " ".join(p for p in parts if p).strip()


def training_data(authority: Authority) -> tuple[list[str], list[str]]:
    """The authority's requests whose service a person or an agent chose (filed under a real
    service, not a test), and the free-text requests an agent confirmed or corrected."""
    filed = (
        Request.objects.filter(authority=authority, is_test=False)
        .exclude(service__slug__in=FREE_TEXT_SERVICES)
        .select_related("service")
        .order_by("-received_at")[:MAX_TRAINING]
    )
    texts, labels = [], []
    for request in filed:
        texts.append(request_text(request))
        labels.append(request.service.slug)
    # A decided request moved to its service is among those above; one an agent decided
    # without moving it (before requalification existed) is labelled by the decision.
    decided = (
        Suggestion.objects.filter(
            request__authority=authority,
            request__service__slug__in=FREE_TEXT_SERVICES,
            outcome__in=[Suggestion.Outcome.CONFIRMED, Suggestion.Outcome.CORRECTED],
        )
        .exclude(chosen="")
        .select_related("request")
    )
    for suggestion in decided:
        texts.append(request_text(suggestion.request))
        labels.append(suggestion.chosen)
    return texts, labels


def train_model(
    *,
    authority: Authority,
    actor: Actor,
    texts: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
) -> TriageModel:
    """A new active version for `authority`: scored on a held-out 20 %, then trained on all.

    `texts`/`labels` default to `training_data(authority)`. Raises TriageError (French).
    """
    if texts is None or labels is None:
        texts, labels = training_data(authority)
    try:
        scores = classifier.evaluate(texts, labels)
        model = classifier.train(texts, labels)
    except ValueError as error:
        raise TriageError(str(error)) from error
    with transaction.atomic():
        Authority.objects.select_for_update().filter(pk=authority.pk).first()
        previous = TriageModel.objects.filter(authority=authority, is_active=True).first()
        latest = TriageModel.objects.filter(authority=authority).aggregate(v=Max("version"))["v"]
        version = (latest or 0) + 1
        path = store.path_for(authority.pk, version)
        store.save(model, path)
        TriageModel.objects.filter(authority=authority, is_active=True).update(is_active=False)
        row = TriageModel.objects.create(
            authority=authority, version=version, created_at=clock.now(),
            trained_on=len(texts), accuracy=scores.accuracy, macro_f1=scores.macro_f1,
            majority_accuracy=scores.majority_accuracy, keyword_accuracy=scores.keyword_accuracy,
            labels=scores.labels, confusion=scores.confusion, file_path=str(path),
            is_active=True, threshold=previous.threshold if previous else DEFAULT_THRESHOLD,
        )  # fmt: skip
        kept = list(
            TriageModel.objects.filter(authority=authority)
            .order_by("-version")
            .values_list("file_path", flat=True)[: store.KEEP_FILES]
        )
        transaction.on_commit(lambda: store.prune(authority.pk, kept))
        journal.append(
            kind=events.MODEL_TRAINED, actor=actor, authority_id=authority.pk,
            payload={
                "version": version, "trained_on": len(texts), "accuracy": round(scores.accuracy, 4),
                "macro_f1": round(scores.macro_f1, 4),
                "majority_accuracy": round(scores.majority_accuracy, 4),
                "keyword_accuracy": round(scores.keyword_accuracy, 4),
            },
        )  # fmt: skip
    return row


def suggest(*, request: Request, actor: Actor = SYSTEM) -> Suggestion | None:
    """Store the active model's three best services for `request`; None when the authority
    has no usable model (missing or unreadable file: logged, the triage team handles it)."""
    active = TriageModel.objects.filter(authority_id=request.authority_id, is_active=True).first()
    if active is None:
        return None
    model = store.load(active.file_path)
    if model is None:
        return None
    ranked = classifier.predict(model, request_text(request))
    score = ranked[0][1] if ranked else 0.0
    with transaction.atomic():
        suggestion, created = Suggestion.objects.get_or_create(
            request=request,
            defaults={
                "model": active, "suggestions": [[slug, s] for slug, s in ranked], "score": score,
                "above_threshold": score >= active.threshold, "created_at": clock.now(),
            },
        )  # fmt: skip
        if not created:
            return suggestion
        _append(
            events.SUGGESTED, request, actor, suggestions=suggestion.suggestions, score=score,
            version=active.version, threshold=active.threshold,
            above_threshold=suggestion.above_threshold,
        )  # fmt: skip
    return suggestion


@transaction.atomic
def set_threshold(*, authority: Authority, threshold: float, actor: Actor) -> TriageModel:
    """The score above which the authority's active model routes without an agent (kept by
    the next versions). Raises TriageError (French)."""
    if not 0.5 <= threshold <= 1.0:
        raise TriageError("Le seuil doit être compris entre 0,5 et 1.")
    active = (
        TriageModel.objects.select_for_update().filter(authority=authority, is_active=True).first()
    )
    if active is None:
        raise TriageError(f"{authority.name} n'a pas encore de modèle de tri.")
    previous, active.threshold = active.threshold, threshold
    active.save(update_fields=["threshold"])
    journal.append(
        kind=events.THRESHOLD_CHANGED, actor=actor, authority_id=authority.pk,
        payload={"version": active.version, "from": previous, "to": threshold},
    )  # fmt: skip
    return active


def auto_route(*, suggestion: Suggestion) -> Suggestion:
    """Above its threshold, the first suggestion becomes the request's service: the request is
    requalified (`cases.requalify`, its one event marked automatic with the score). Raises
    TriageError (French) when it cannot be moved; the request then stays with the triage team."""
    with transaction.atomic():
        suggestion = (
            Suggestion.objects.select_for_update(of=("self",))
            .select_related("request__service")
            .get(pk=suggestion.pk)
        )
        request = suggestion.request
        if (
            not suggestion.above_threshold
            or suggestion.outcome != Suggestion.Outcome.PENDING
            or not suggestion.suggestions
            or request.service.slug not in FREE_TEXT_SERVICES
        ):
            return suggestion
        slug = suggestion.suggestions[0][0]
        _move(request, slug, SYSTEM, automatic=True, score=suggestion.score)
        suggestion.outcome, suggestion.chosen = Suggestion.Outcome.AUTO_ROUTED, slug
        suggestion.save(update_fields=["outcome", "chosen"])
    return suggestion


@transaction.atomic
def decide(*, suggestion: Suggestion, service_slug: str, actor: Actor) -> Suggestion:
    """An agent says which service `suggestion`'s request belongs to: a confirmation when it
    is the first suggestion, a correction otherwise, both feedback for the next training. The
    request moves to that service (`cases.requalify`, whose event carries the decision), or,
    when it is already there (auto-routed), `triage.confirmed`/`triage.corrected` is recorded."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    known = [slug for slug, _score in suggestion.suggestions]
    if service_slug not in (suggestion.model.labels if suggestion.model else known):
        raise TriageError(f"Service inconnu du modèle : « {service_slug} ».")
    if suggestion.outcome in (Suggestion.Outcome.CONFIRMED, Suggestion.Outcome.CORRECTED):
        raise TriageError("Le service de cette demande a déjà été confirmé.")
    confirmed = bool(known) and known[0] == service_slug
    if suggestion.outcome == Suggestion.Outcome.AUTO_ROUTED:
        confirmed = service_slug == suggestion.chosen
    suggestion.outcome = Suggestion.Outcome.CONFIRMED if confirmed else Suggestion.Outcome.CORRECTED
    suggestion.chosen = service_slug
    suggestion.save(update_fields=["outcome", "chosen"])
    request = Request.objects.select_related("service").get(pk=suggestion.request_id)
    decision = {
        "triage": suggestion.outcome, "suggested": known[0] if known else "",
        "score": suggestion.score,
    }  # fmt: skip
    if request.service.slug != service_slug:
        _move(request, service_slug, actor, details=decision)
        return suggestion
    _append(
        events.CONFIRMED if confirmed else events.CORRECTED, request, actor,
        service=service_slug, suggested=decision["suggested"], score=suggestion.score,
    )  # fmt: skip
    return suggestion


def may_decide(suggestion: Suggestion, service_slug: str) -> bool:
    """Whether `decide` takes this choice: a suggestion not yet decided, a service it knows."""
    known = suggestion.model.labels if suggestion.model else [s for s, _ in suggestion.suggestions]
    undecided = suggestion.outcome in (Suggestion.Outcome.PENDING, Suggestion.Outcome.AUTO_ROUTED)
    return undecided and service_slug in known


def _move(request: Request, slug: str, actor: Actor, **options: Any) -> None:
    service = Service.objects.filter(slug=slug).first()
    if service is None:
        raise TriageError(f"Service inconnu : « {slug} ».")
    try:
        cases.requalify(request=request, service=service, actor=actor, **options)
    except cases.RequalifyError as refused:
        raise TriageError(str(refused)) from refused


def _append(kind: str, request: Request, actor: Actor, **payload: Any) -> None:
    journal.append(
        kind=kind, actor=actor, authority_id=request.authority_id, person_id=request.person_id,
        case=request, visible_to_person=False, payload=payload,
    )  # fmt: skip
