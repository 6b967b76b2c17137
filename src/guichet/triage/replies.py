"""Reply suggestions for agents: the answers agents gave to the most similar resolved requests
of the same service, found with the authority's triage TF-IDF (ADR 0028). Read only: an agent
inserts one into the reply box and edits it; nothing is ever sent without them."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sklearn.metrics.pairwise import cosine_similarity

from guichet.cases.models import Message, Request
from guichet.triage import store
from guichet.triage.actions import FREE_TEXT_SERVICES, request_text
from guichet.triage.models import TriageModel

logger = logging.getLogger(__name__)
CANDIDATES = 300  # the most recently resolved requests of the service
SHOWN = 3
MIN_SIMILARITY = 0.15


@dataclass(frozen=True)
class Reply:
    reference: str
    request_id: int
    similarity: float
    body: str

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)


def reply_suggestions(request: Request) -> list[Reply]:
    """Up to three replies agents sent on resolved requests like `request` (same authority
    and service), most similar first; [] without an active model or on any failure."""
    if not request.is_open or request.service.slug in FREE_TEXT_SERVICES:
        return []
    active = TriageModel.objects.filter(authority_id=request.authority_id, is_active=True).first()
    model = store.load(active.file_path) if active is not None else None
    if model is None:
        return []
    candidates = list(
        Request.objects.filter(
            authority_id=request.authority_id, service_id=request.service_id, is_test=False,
            resolved_at__isnull=False,
        )
        .exclude(pk=request.pk)
        .order_by("-resolved_at")
        .only("pk", "reference", "summary", "form_data")[:CANDIDATES]
    )  # fmt: skip
    replies: dict[int, str] = {}
    for message in Message.objects.filter(
        request__in=[c.pk for c in candidates], author_type=Message.Author.AGENT,
        is_internal=False,
    ).order_by("created_at", "id").only("request_id", "body"):  # fmt: skip
        replies[message.request_id] = message.body  # the last one wins
    answered = [c for c in candidates if replies.get(c.pk, "").strip()]
    if not answered:
        return []
    try:
        features = model.pipeline.named_steps["features"]
        vectors = features.transform([request_text(request)] + [request_text(c) for c in answered])
        scores = cosine_similarity(vectors[0], vectors[1:])[0]
    except Exception:  # a model file of another shape: no suggestion, never an error page
        logger.exception("reply suggestions failed for request %s", request.reference)
        return []
    ranked = sorted(zip(scores, answered, strict=True), key=lambda pair: -pair[0])
    return [
        Reply(c.reference, c.pk, round(float(score), 4), replies[c.pk])
        for score, c in ranked[:SHOWN]
        if score >= MIN_SIMILARITY
    ]
