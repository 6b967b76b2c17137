"""Elected officials' briefings (issue 20, ADR 0039): a remit (what an élu follows: a commune,
a policy area as a set of services or categories, or the whole authority) and the briefings
composed for it on its schedule (`contracts.briefings`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from guichet.authorities.models import Authority
from guichet.catalogue.models import Category, Service
from guichet.people.models import Person
from guichet.territory.models import Commune


class BriefingRemit(models.Model):
    """What one elected official follows, and how often they are sent a briefing."""

    class Scope(models.TextChoices):
        COMMUNE = "commune", "une commune"
        POLICY = "policy", "une politique publique (services ou catégories)"
        AUTHORITY = "authority", "toute la collectivité"

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "chaque semaine"
        MONTHLY = "monthly", "chaque mois"

    authority = models.ForeignKey(
        Authority, on_delete=models.CASCADE, related_name="+", verbose_name="collectivité"
    )
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
        verbose_name="élu",
    )  # fmt: skip
    # The outbox writes to a person: the official's record, found or created with the remit.
    recipient = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name="destinataire"
    )
    title = models.CharField("délégation", max_length=160)
    scope = models.CharField("périmètre", max_length=12, choices=Scope.choices)
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    services = models.ManyToManyField(Service, blank=True, related_name="+")
    categories = models.ManyToManyField(Category, blank=True, related_name="+")
    frequency = models.CharField("fréquence", max_length=8, choices=Frequency.choices)
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField("créée le")
    last_sent_at = models.DateTimeField("dernier envoi", null=True, blank=True)

    class Meta:
        app_label = "contracts"
        verbose_name = "périmètre d'un élu"
        verbose_name_plural = "périmètres des élus"
        ordering = ["authority", "title", "pk"]

    def __str__(self) -> str:
        return f"{self.title} — {self.authority}"


class Briefing(models.Model):
    """One briefing as composed and sent: its figures are frozen at composition."""

    remit = models.ForeignKey(BriefingRemit, on_delete=models.CASCADE, related_name="briefings")
    period_start = models.DateField("du")
    period_end = models.DateField("au (exclu)")
    composed_at = models.DateTimeField("composée le")
    content = models.JSONField("contenu", default=dict)
    notification_id = models.BigIntegerField("courriel (file d'envoi)", null=True, blank=True)

    class Meta:
        app_label = "contracts"
        verbose_name = "note aux élus"
        verbose_name_plural = "notes aux élus"
        ordering = ["-composed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.remit.title} ({self.period_start:%d/%m/%Y})"
