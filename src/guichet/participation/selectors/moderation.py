"""The moderators' queue: reported contributions and those held by pre-moderation."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Model

from guichet.participation import moderation
from guichet.participation.models.moderation import Block, Report


@dataclass
class QueueItem:
    kind: str
    contribution: Model
    reports: list[Report] = field(default_factory=list)
    awaiting: bool = False

    @property
    def kind_label(self) -> str:
        return moderation.kind_label(self.kind)


def queue(authority_ids) -> list[QueueItem]:
    """Contributions with open reports, then those awaiting pre-moderation (oldest first)."""
    reports = Report.objects.filter(authority_id__in=authority_ids, outcome="").order_by(
        "reported_at", "id"
    )
    grouped: dict[tuple[str, int], list[Report]] = defaultdict(list)
    for row in reports:
        grouped[(row.kind, row.object_id)].append(row)
    models = moderation.moderated_models()
    items = []
    for (kind, pk), rows in grouped.items():
        model = models.get(kind)
        contribution = model.objects.filter(pk=pk).first() if model else None
        if contribution is not None:
            items.append(QueueItem(kind, contribution, rows))
    for kind, model in models.items():
        if not any(f.name == "awaiting_moderation" for f in model._meta.get_fields()):
            continue
        for contribution in model.objects.filter(awaiting_moderation=True).order_by("pk")[:200]:
            authority = moderation.authority_of(contribution)
            if authority is not None and authority.pk in set(authority_ids):
                items.append(QueueItem(kind, contribution, awaiting=True))
    return items


def blocks(authority_ids):
    return (
        Block.objects.filter(authority_id__in=authority_ids, lifted_at__isnull=True)
        .select_related("person", "authority")
        .order_by("-blocked_at")
    )
