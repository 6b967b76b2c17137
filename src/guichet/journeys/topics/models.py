"""The stored result of a topic refresh: one run per authority (the latest kept), its topics."""

from __future__ import annotations

from django.db import models

from guichet.authorities.models import Authority


class TopicRun(models.Model):
    """One refresh of an authority's topics (`actions.refresh_topics`)."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="+")
    computed_at = models.DateTimeField("calculé le")
    as_of = models.DateField("semaine de référence (lundi suivant la dernière semaine lue)")
    texts = models.PositiveIntegerField("textes lus")
    since = models.DateField("textes depuis le")

    class Meta:
        app_label = "journeys"
        verbose_name = "calcul des sujets émergents"
        verbose_name_plural = "calculs des sujets émergents"
        ordering = ["-computed_at", "-id"]

    def __str__(self) -> str:
        return f"sujets de {self.authority} ({self.computed_at:%Y-%m-%d})"


class Topic(models.Model):
    """A topic: its top words, anonymised examples, weekly volume (overall, by commune)."""

    run = models.ForeignKey(TopicRun, on_delete=models.CASCADE, related_name="topics")
    rank = models.PositiveSmallIntegerField("rang")
    label = models.CharField("nom", max_length=200)
    words = models.JSONField("mots les plus représentatifs", default=list)
    examples = models.JSONField("exemples anonymisés", default=list)
    size = models.PositiveIntegerField("textes")
    weekly = models.JSONField("textes par semaine", default=dict)  # {"2026-11-30": 4}
    by_commune = models.JSONField("textes par commune et semaine", default=dict)
    last_week = models.DateField("dernière semaine complète", null=True)
    last_count = models.PositiveIntegerField("textes de la dernière semaine", default=0)
    usual = models.FloatField("niveau habituel par semaine", null=True)
    z_score = models.FloatField("écart au niveau habituel (z)", null=True)
    emerging = models.BooleanField("émergent", default=False)

    class Meta:
        app_label = "journeys"
        verbose_name = "sujet"
        ordering = ["run", "rank"]

    def __str__(self) -> str:
        return self.label
