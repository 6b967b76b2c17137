"""Per-authority classifier versions and the suggestions they made (ADR 0028)."""

from __future__ import annotations

from django.db import models

from guichet.authorities.models import Authority
from guichet.cases.models import Request

DEFAULT_THRESHOLD = 0.8


class TriageModel(models.Model):
    """One trained version of an authority's classifier; its file lives under DATA_DIR/triage
    (never served). At most one version per authority is active."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField("version")
    created_at = models.DateTimeField("entraîné le")
    trained_on = models.PositiveIntegerField("demandes d'apprentissage")
    accuracy = models.FloatField("exactitude (échantillon de test)")
    macro_f1 = models.FloatField("F1 macro (échantillon de test)")
    majority_accuracy = models.FloatField("exactitude de la classe majoritaire")
    keyword_accuracy = models.FloatField("exactitude du meilleur mot-clé")
    labels = models.JSONField("services", default=list)
    confusion = models.JSONField("confusions (vérité × prédiction)", default=list)
    file_path = models.CharField("fichier", max_length=500)
    is_active = models.BooleanField("actif", default=False)
    threshold = models.FloatField(
        "seuil d'orientation automatique",
        default=DEFAULT_THRESHOLD,
        help_text="Au-dessus de ce score, la demande est orientée sans agent.",
    )

    class Meta:
        verbose_name = "modèle de tri"
        verbose_name_plural = "modèles de tri"
        constraints = [
            models.UniqueConstraint(fields=["authority", "version"], name="triage_model_version"),
        ]

    def __str__(self) -> str:
        return f"{self.authority} — version {self.version}"


class Suggestion(models.Model):
    """What the classifier proposed for one request arriving as free text, and what came of it."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "à confirmer"
        AUTO_ROUTED = "auto_routed", "orientée automatiquement"
        CONFIRMED = "confirmed", "confirmée par un agent"
        CORRECTED = "corrected", "corrigée par un agent"

    request = models.OneToOneField(Request, on_delete=models.CASCADE, related_name="+")
    model = models.ForeignKey(TriageModel, null=True, on_delete=models.SET_NULL, related_name="+")
    suggestions = models.JSONField("suggestions [service, score]", default=list)
    score = models.FloatField("meilleur score")
    above_threshold = models.BooleanField("au-dessus du seuil", default=False)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    chosen = models.CharField("service retenu", max_length=100, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "suggestion de tri"
        verbose_name_plural = "suggestions de tri"

    def __str__(self) -> str:
        return f"Suggestion pour la demande n° {self.request_id}"
