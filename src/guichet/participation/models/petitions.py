"""Petitions with duties: an authority's rules, petitions, signatures and the obligation a
petition creates when it crosses its threshold (ADR 0041).

The threshold is a share of the population of the communes concerned (territory's official
geographic code), fixed when the petition opens; the count of signatures is kept on the row
and moved in the signature's transaction, under the petition's row lock, so it stays exact.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from guichet.authorities.models import Authority
from guichet.core import clock
from guichet.participation.models.base import Moderated
from guichet.people.models import Person
from guichet.territory.models import Commune


class Duty(models.TextChoices):
    ANSWER = "answer", "réponse officielle"
    AGENDA = "agenda", "inscription à l'ordre du jour du conseil"


class PetitionRules(models.Model):
    """What an authority promises its petitions (one row per authority; defaults otherwise)."""

    authority = models.OneToOneField(
        Authority, on_delete=models.CASCADE, related_name="petition_rules"
    )
    threshold_percent = models.DecimalField(
        "seuil (% de la population concernée)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    duty = models.CharField("obligation", max_length=8, choices=Duty.choices, default=Duty.ANSWER)
    answer_working_days = models.PositiveSmallIntegerField(
        "délai de réponse (jours ouvrés)",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    max_days_open = models.PositiveSmallIntegerField(
        "durée maximale d'une pétition (jours)",
        default=180,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
    )

    class Meta:
        verbose_name = "règles des pétitions"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(threshold_percent__gt=0), name="petition_rules_threshold"
            ),
            models.CheckConstraint(
                condition=models.Q(answer_working_days__gt=0), name="petition_rules_days"
            ),
        ]

    def __str__(self) -> str:
        return f"règles des pétitions de {self.authority_id}"


class CouncilMeeting(models.Model):
    """A council meeting of the authority (petitions whose duty is an agenda item)."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="+")
    date = models.DateField("date de la séance")

    class Meta:
        verbose_name = "séance du conseil"
        ordering = ["authority", "date"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "date"], name="council_meeting_once")
        ]

    def __str__(self) -> str:
        return f"séance du {self.date:%d/%m/%Y}"


class Petition(Moderated):
    class Status(models.TextChoices):
        PENDING = "pending", "en attente de modération"
        OPEN = "open", "ouverte à la signature"
        CLOSED = "closed", "close"
        REJECTED = "rejected", "refusée par la modération"

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="petitions")
    initiator = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    title = models.CharField("titre", max_length=160)
    text = models.TextField("texte de la pétition", max_length=5000)
    communes = models.ManyToManyField(Commune, related_name="+", verbose_name="communes concernées")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    days_open = models.PositiveSmallIntegerField("durée (jours)")
    opens_at = models.DateTimeField("ouverte le", null=True, blank=True)
    closes_at = models.DateTimeField("close le", null=True, blank=True)
    # Fixed at opening from the rules and the communes' population.
    population = models.PositiveIntegerField("population concernée", null=True, blank=True)
    threshold = models.PositiveIntegerField("seuil de signatures", null=True, blank=True)
    signature_count = models.PositiveIntegerField("signatures", default=0)
    third_reminded_at = models.DateTimeField(null=True, blank=True)
    two_thirds_reminded_at = models.DateTimeField(null=True, blank=True)
    crossed_at = models.DateTimeField("seuil atteint le", null=True, blank=True)
    rejection_reason = models.CharField("motif du refus", max_length=300, blank=True)
    created_at = models.DateTimeField("déposée le", auto_now_add=True)

    class Meta:
        verbose_name = "pétition"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(threshold__isnull=True) | models.Q(threshold__gt=0),
                name="petition_threshold_positive",
            ),
            models.CheckConstraint(condition=models.Q(days_open__gt=0), name="petition_days"),
            models.CheckConstraint(
                condition=models.Q(closes_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="petition_window_in_order",
            ),
        ]
        indexes = [models.Index(fields=["status", "closes_at"], name="petition_open_until")]

    def __str__(self) -> str:
        return self.title

    @property
    def author_id(self) -> int:
        return self.initiator_id

    @property
    def is_signable(self) -> bool:
        now = clock.now()
        return (
            self.status == self.Status.OPEN
            and not self.is_hidden
            and self.opens_at is not None
            and self.opens_at <= now < self.closes_at
        )

    @property
    def progress(self) -> int:
        """The share of the threshold reached, in percent (0–100)."""
        if not self.threshold:
            return 0
        return min(100, self.signature_count * 100 // self.threshold)


class CoSponsor(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="cosponsors")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "co-auteur d'une pétition"
        constraints = [
            models.UniqueConstraint(fields=["petition", "person"], name="cosponsor_once"),
        ]

    def __str__(self) -> str:
        return f"co-auteur n° {self.person_id}"


class Signature(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="signatures")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    signed_at = models.DateTimeField("signée le")

    class Meta:
        verbose_name = "signature"
        constraints = [
            models.UniqueConstraint(fields=["petition", "person"], name="signature_once"),
        ]

    def __str__(self) -> str:
        return f"signature de l'usager n° {self.person_id}"


class Obligation(models.Model):
    """What the authority owes a petition that crossed its threshold; public with its due date."""

    petition = models.OneToOneField(Petition, on_delete=models.CASCADE, related_name="obligation")
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    duty = models.CharField("obligation", max_length=8, choices=Duty.choices)
    created_at = models.DateTimeField("créée le")
    due_at = models.DateTimeField("échéance")
    meeting_date = models.DateField("séance du conseil", null=True, blank=True)
    answered_at = models.DateTimeField("honorée le", null=True, blank=True)
    answer = models.TextField("réponse officielle", blank=True)

    class Meta:
        verbose_name = "obligation de réponse"
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["answered_at", "due_at"], name="obligation_due")]

    def __str__(self) -> str:
        return f"obligation de la pétition n° {self.petition_id}"

    @property
    def is_late(self) -> bool:
        if self.answered_at is not None:
            return self.answered_at > self.due_at
        return clock.now() > self.due_at
