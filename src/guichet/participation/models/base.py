"""What every contribution shares (ideas, comments, statements, petitions): moderation.

A hidden contribution keeps its row (its lineage, its counts) but every reader (portal, API,
exports, analytics) shows `hidden_reason` in place of its content. Only the moderation actions
(`participation.actions.moderation`) set or clear these fields, each with its event.
"""

from __future__ import annotations

from django.db import models


class Moderated(models.Model):
    hidden_at = models.DateTimeField("masqué le", null=True, blank=True)
    hidden_reason = models.CharField("motif du masquage", max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None
