"""An authority's texts for the topic model: requests, residents' messages, survey comments."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from guichet.cases.models import Message, Request
from guichet.core.calendar import PARIS
from guichet.satisfaction.models import Answer
from guichet.triage.actions import request_text

MAX_TEXTS = 200_000


@dataclass
class Documents:
    texts: list[str] = field(default_factory=list)
    weeks: list[date] = field(default_factory=list)
    communes: list[str | None] = field(default_factory=list)
    names: list[tuple[str, ...]] = field(default_factory=list)  # the writer's, to mask

    def add(self, text: str, moment: datetime, commune: str | None, names: tuple[str, ...]):
        text = (text or "").strip()
        if not text:
            return
        day = moment.astimezone(PARIS).date()
        self.texts.append(text)
        self.weeks.append(date.fromordinal(day.toordinal() - day.weekday()))
        self.communes.append(commune)
        self.names.append(names)

    def __len__(self) -> int:
        return len(self.texts)


def documents_of(authority_id: int, *, since: datetime, limit: int = MAX_TEXTS) -> Documents:
    """The authority's texts written since `since`, newest first up to `limit`."""
    docs = Documents()
    requests = (
        Request.objects.filter(authority_id=authority_id, is_test=False, received_at__gte=since)
        .select_related("commune", "person")
        .only("summary", "form_data", "received_at", "commune__code", "person__first_name",
              "person__last_name")
        .order_by("-received_at")[:limit]
    )  # fmt: skip
    for request in requests.iterator(chunk_size=5_000):
        names = (request.person.first_name, request.person.last_name)
        docs.add(request_text(request), request.received_at,
                 request.commune.code if request.commune else None, names)  # fmt: skip
    left = max(0, limit - len(docs))
    messages = (
        Message.objects.filter(
            request__authority_id=authority_id, request__is_test=False,
            author_type=Message.Author.PERSON, is_internal=False, created_at__gte=since,
        )
        .values_list("body", "created_at", "request__commune__code", "request__person__first_name",
                     "request__person__last_name")
        .order_by("-created_at")[:left]
    )  # fmt: skip
    for body, created, commune, first, last in messages.iterator(chunk_size=5_000):
        docs.add(body, created, commune, (first, last))
    left = max(0, limit - len(docs))
    comments = (
        Answer.objects.filter(authority_id=authority_id, answered_at__gte=since)
        .exclude(comment="")
        .values_list("comment", "answered_at", "survey__request__commune__code",
                     "survey__request__person__first_name", "survey__request__person__last_name")
        .order_by("-answered_at")[:left]
    )  # fmt: skip
    for comment, answered, commune, first, last in comments.iterator(chunk_size=5_000):
        docs.add(comment, answered, commune, (first, last))
    return docs
