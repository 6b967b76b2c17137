"""The opinion map's tables: statements, votes, and the last computed map of a consultation.

Votes are written by `participation.actions.opinion`; the map is written only by the
background task (`participation.opinion.tasks`), never on a request path (ADR 0041).
"""

from __future__ import annotations

from django.db import models

from guichet.participation.models.base import Moderated
from guichet.participation.models.consultations import Consultation
from guichet.people.models import Person

STATEMENT_MAX = 280


class Statement(Moderated):
    """A short statement participants vote on (agree / disagree / pass)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="statements"
    )
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField("affirmation", max_length=STATEMENT_MAX)
    # Pre-moderation (Consultation.premoderation): hidden from voters until a moderator accepts.
    awaiting_moderation = models.BooleanField("en attente de modération", default=False)
    created_at = models.DateTimeField("proposée le", auto_now_add=True)

    class Meta:
        verbose_name = "affirmation"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "text"], name="statement_once"),
        ]

    def __str__(self) -> str:
        return self.text


class Vote(models.Model):
    class Value(models.IntegerChoices):
        AGREE = 1, "d'accord"
        DISAGREE = -1, "pas d'accord"
        PASS = 0, "je passe"

    # The consultation is repeated here so the task reads a consultation's matrix with one
    # index range scan.
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="+")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField("vote", choices=Value.choices)
    voted_at = models.DateTimeField("voté le")

    class Meta:
        verbose_name = "vote sur une affirmation"
        indexes = [models.Index(fields=["consultation", "voted_at"], name="opinion_vote_recent")]
        constraints = [
            models.UniqueConstraint(fields=["statement", "person"], name="opinion_vote_once"),
            models.CheckConstraint(
                condition=models.Q(value__in=[-1, 0, 1]), name="opinion_vote_value"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_value_display()} (affirmation n° {self.statement_id})"


class OpinionMap(models.Model):
    """The last map computed for a consultation (one row per consultation, replaced)."""

    consultation = models.OneToOneField(
        Consultation, on_delete=models.CASCADE, related_name="opinion_map"
    )
    computed_at = models.DateTimeField("calculée le")
    # The newest vote the computation read: a newer vote makes the map stale.
    votes_through = models.DateTimeField(null=True, blank=True)
    votes = models.PositiveIntegerField(default=0)
    participants = models.PositiveIntegerField(default=0)
    silhouette = models.FloatField(null=True, blank=True)
    # [{"statement": id, "consensus": float, "groups": [{"agree": n, "disagree": n,
    #   "seen": n}, ...]}] in the statements' order.
    statements = models.JSONField(default=list)

    class Meta:
        verbose_name = "carte des opinions"

    def __str__(self) -> str:
        return f"carte des opinions de la consultation n° {self.consultation_id}"


class OpinionGroup(models.Model):
    map = models.ForeignKey(OpinionMap, on_delete=models.CASCADE, related_name="groups")
    number = models.PositiveSmallIntegerField("groupe")  # 0-based
    size = models.PositiveIntegerField("participants")
    # [{"statement": id, "direction": "agree"|"disagree", "share": float, "ratio": float}]
    representatives = models.JSONField(default=list)

    class Meta:
        verbose_name = "groupe d'opinion"
        ordering = ["map", "number"]
        constraints = [
            models.UniqueConstraint(fields=["map", "number"], name="opinion_group_once"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"Groupe {chr(ord('A') + self.number)}"


class GroupMembership(models.Model):
    group = models.ForeignKey(OpinionGroup, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    x = models.FloatField()
    y = models.FloatField()

    class Meta:
        verbose_name = "appartenance à un groupe d'opinion"
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="opinion_member_once"),
        ]

    def __str__(self) -> str:
        return f"usager n° {self.person_id} dans le groupe n° {self.group_id}"
