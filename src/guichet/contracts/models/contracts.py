"""Delegation contracts (délégation de service public), their quality indicators, the remarks
both sides record on them, and the generated quality reports (ADR 0038).

An indicator holds only the commitment (target, tolerance, penalty): its value is always
computed from the journal and the requests (`contracts.indicators`), never typed in.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from guichet.authorities.models import Authority
from guichet.catalogue.models import Service
from guichet.territory.models import Commune


class Contract(models.Model):
    """An authority delegates services, in some communes, to an operator, for a period."""

    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="contracts_granted",
        verbose_name="collectivité délégante",
    )  # fmt: skip
    operator = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="contracts_held",
        verbose_name="délégataire", limit_choices_to={"kind": "operator"},
    )  # fmt: skip
    title = models.CharField("intitulé", max_length=200)
    reference = models.CharField("référence (délibération, contrat)", max_length=120, blank=True)
    services = models.ManyToManyField(Service, related_name="+", verbose_name="services délégués")
    communes = models.ManyToManyField(Commune, related_name="+", verbose_name="communes")
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin (incluse)")
    created_at = models.DateTimeField("créé le")

    class Meta:
        verbose_name = "contrat de délégation"
        verbose_name_plural = "contrats de délégation"
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="contract_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.operator})"


class IndicatorKind(models.TextChoices):
    ANSWER_DELAY = "answer_delay", "délai moyen de première réponse"
    RESOLVE_DELAY = "resolve_delay", "délai moyen de résolution"
    WITHIN_PROMISE = "within_promise", "part des demandes résolues dans le délai promis"
    FIRST_CONTACT = "first_contact", "part des demandes résolues au premier contact"
    REPEAT_CONTACTS = "repeat_contacts", "part des demandes relancées par l'usager"
    SATISFACTION = "satisfaction", "note de satisfaction moyenne"
    COMPLAINTS = "complaints", "réclamations (enquêtes « non résolu »)"


class Indicator(models.Model):
    """One quality commitment of a contract: its target, its tolerance and the penalty a
    month outside the tolerance costs the operator."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField("indicateur", max_length=20, choices=IndicatorKind.choices)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="service", help_text="vide : tous les services du contrat",
    )  # fmt: skip
    target = models.DecimalField("objectif", max_digits=9, decimal_places=2)
    tolerance = models.DecimalField(
        "tolérance", max_digits=9, decimal_places=2, default=Decimal("0")
    )
    penalty = models.DecimalField(
        "pénalité par manquement (€)", max_digits=11, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = "indicateur de qualité"
        verbose_name_plural = "indicateurs de qualité"
        ordering = ["contract", "kind", "service__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "kind", "service"], name="one_indicator_per_kind_and_service",
                nulls_distinct=False,
            ),
            models.CheckConstraint(condition=models.Q(tolerance__gte=0), name="tolerance_positive"),
        ]  # fmt: skip

    def __str__(self) -> str:
        suffix = f" — {self.service}" if self.service_id else ""
        return f"{self.get_kind_display()}{suffix}"


class Remark(models.Model):
    """A comment or a recorded disagreement on a contract's figures (a month, a commune,
    an indicator, or the whole contract)."""

    class Kind(models.TextChoices):
        COMMENT = "comment", "commentaire"
        DISAGREEMENT = "disagreement", "désaccord"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="remarks")
    kind = models.CharField("nature", max_length=12, choices=Kind.choices)
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.CASCADE, related_name="remarks"
    )
    month = models.DateField("mois", null=True, blank=True)
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="+", verbose_name="au nom de"
    )
    body = models.TextField("texte")
    created_at = models.DateTimeField("le")

    class Meta:
        verbose_name = "remarque sur un contrat"
        verbose_name_plural = "remarques sur les contrats"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.contract}"


class Report(models.Model):
    """A generated quality report (annual or monthly): a PDF and its ODS and CSV annexes,
    built by a background task that records its progress here."""

    class Period(models.TextChoices):
        YEAR = "year", "annuel"
        MONTH = "month", "mensuel"

    class Status(models.TextChoices):
        QUEUED = "queued", "en attente"
        RUNNING = "running", "en cours"
        READY = "ready", "prêt"
        EMPTY = "empty", "période sans données"
        FAILED = "failed", "échec"

    PENDING = (Status.QUEUED, Status.RUNNING)

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="reports")
    period = models.CharField("période", max_length=8, choices=Period.choices)
    starts_on = models.DateField("du")
    ends_on = models.DateField("au (inclus)")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveSmallIntegerField(default=1)
    message = models.CharField(max_length=300, blank=True)
    pdf = models.FileField(upload_to="contracts/reports/", blank=True)
    ods = models.FileField(upload_to="contracts/reports/", blank=True)
    csv = models.FileField(upload_to="contracts/reports/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField("demandé le")
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "rapport qualité"
        verbose_name_plural = "rapports qualité"
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"rapport {self.get_period_display()} {self.starts_on:%Y-%m} — {self.contract}"

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.total)) if self.total else 0
