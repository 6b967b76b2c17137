"""Moderation: reports on contributions and blocked authors (ADR 0041).

A contribution is any `Moderated` row (ideas, comments, statements, petitions), named in a
report by its model's label and primary key; `participation.moderation` finds the model.
"""

from __future__ import annotations

from django.db import models

from guichet.authorities.models import Authority
from guichet.people.models import Person


class Report(models.Model):
    class Outcome(models.TextChoices):
        OPEN = "", "à traiter"
        HIDDEN = "hidden", "contribution masquée"
        KEPT = "kept", "contribution maintenue"

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("type de contribution", max_length=40)  # model label, lower case
    object_id = models.PositiveBigIntegerField()
    reason = models.CharField("motif du signalement", max_length=500)
    reporter = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField("signalé le")
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default="", blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "signalement"
        ordering = ["reported_at", "id"]
        indexes = [models.Index(fields=["authority", "outcome"], name="report_queue")]

    def __str__(self) -> str:
        return f"signalement n° {self.pk}"


class Block(models.Model):
    """An author an authority's moderators blocked: she can no longer contribute there."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField("motif", max_length=300)
    blocked_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "auteur bloqué"
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "person"],
                condition=models.Q(lifted_at__isnull=True),
                name="block_once",
            ),
        ]

    def __str__(self) -> str:
        return f"blocage de l'usager n° {self.person_id}"
