# The triage app's tables (ADR 0028).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("authorities", "0003_authority_branding"),
        ("cases", "0005_request_versions"),
    ]

    operations = [
        migrations.CreateModel(
            name="TriageModel",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveIntegerField(verbose_name="version")),
                ("created_at", models.DateTimeField(verbose_name="entraîné le")),
                (
                    "trained_on",
                    models.PositiveIntegerField(verbose_name="demandes d'apprentissage"),
                ),
                ("accuracy", models.FloatField(verbose_name="exactitude (échantillon de test)")),
                ("macro_f1", models.FloatField(verbose_name="F1 macro (échantillon de test)")),
                (
                    "majority_accuracy",
                    models.FloatField(verbose_name="exactitude de la classe majoritaire"),
                ),
                (
                    "keyword_accuracy",
                    models.FloatField(verbose_name="exactitude du meilleur mot-clé"),
                ),
                ("labels", models.JSONField(default=list, verbose_name="services")),
                (
                    "confusion",
                    models.JSONField(default=list, verbose_name="confusions (vérité × prédiction)"),
                ),
                ("file_path", models.CharField(max_length=500, verbose_name="fichier")),
                ("is_active", models.BooleanField(default=False, verbose_name="actif")),
                (
                    "threshold",
                    models.FloatField(
                        default=0.8,
                        help_text="Au-dessus de ce score, la demande est orientée sans agent.",
                        verbose_name="seuil d'orientation automatique",
                    ),
                ),
                (
                    "authority",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="authorities.authority",
                    ),
                ),
            ],
            options={
                "verbose_name": "modèle de tri",
                "verbose_name_plural": "modèles de tri",
            },
        ),
        migrations.CreateModel(
            name="Suggestion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "suggestions",
                    models.JSONField(default=list, verbose_name="suggestions [service, score]"),
                ),
                ("score", models.FloatField(verbose_name="meilleur score")),
                (
                    "above_threshold",
                    models.BooleanField(default=False, verbose_name="au-dessus du seuil"),
                ),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("pending", "à confirmer"),
                            ("auto_routed", "orientée automatiquement"),
                            ("confirmed", "confirmée par un agent"),
                            ("corrected", "corrigée par un agent"),
                        ],
                        default="pending",
                        max_length=16,
                    ),
                ),
                (
                    "chosen",
                    models.CharField(blank=True, max_length=100, verbose_name="service retenu"),
                ),
                ("created_at", models.DateTimeField()),
                (
                    "request",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="cases.request",
                    ),
                ),
                (
                    "model",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="triage.triagemodel",
                    ),
                ),
            ],
            options={
                "verbose_name": "suggestion de tri",
                "verbose_name_plural": "suggestions de tri",
            },
        ),
        migrations.AddConstraint(
            model_name="triagemodel",
            constraint=models.UniqueConstraint(
                fields=("authority", "version"), name="triage_model_version"
            ),
        ),
    ]
