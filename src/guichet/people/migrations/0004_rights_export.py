# The models of data export and of the agents' access log (people/rights/models.py).
import django.db.models.deletion
import guichet.core.clock
import guichet.people.rights.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("authorities", "0003_authority_branding"),
        ("people", "0003_person_name_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AccessLog",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "agent_label",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="agent ou application"
                    ),
                ),
                ("role", models.CharField(blank=True, max_length=80, verbose_name="rôle")),
                ("what", models.CharField(max_length=200, verbose_name="donnée consultée")),
                ("at", models.DateTimeField(default=guichet.core.clock.now, verbose_name="le")),
                (
                    "agent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="agent",
                    ),
                ),
                (
                    "authority",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="authorities.authority",
                        verbose_name="collectivité",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.person",
                        verbose_name="usager",
                    ),
                ),
            ],
            options={
                "verbose_name": "consultation de données personnelles",
                "verbose_name_plural": "consultations de données personnelles",
                "ordering": ["-at", "-id"],
                "indexes": [
                    models.Index(fields=["person", "at"], name="accesslog_person_at"),
                    models.Index(fields=["at"], name="accesslog_at"),
                ],
            },
        ),
        migrations.CreateModel(
            name="DataExport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "en attente"),
                            ("running", "en préparation"),
                            ("ready", "prête"),
                            ("failed", "échec"),
                            ("expired", "expirée"),
                        ],
                        default="queued",
                        max_length=8,
                        verbose_name="état",
                    ),
                ),
                ("done", models.PositiveIntegerField(default=0, verbose_name="parties faites")),
                ("total", models.PositiveIntegerField(default=0, verbose_name="parties")),
                (
                    "file",
                    models.FileField(
                        blank=True,
                        max_length=200,
                        storage=guichet.people.rights.models._export_storage,
                        upload_to=guichet.people.rights.models.export_path,
                        verbose_name="archive",
                    ),
                ),
                ("size", models.PositiveBigIntegerField(default=0, verbose_name="taille (octets)")),
                ("error", models.CharField(blank=True, max_length=300, verbose_name="erreur")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=guichet.core.clock.now, verbose_name="demandée le"
                    ),
                ),
                (
                    "started_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="commencée le"),
                ),
                (
                    "finished_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="terminée le"),
                ),
                (
                    "expires_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="disponible jusqu'au"),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.person",
                        verbose_name="usager",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="demandée par",
                    ),
                ),
            ],
            options={
                "verbose_name": "export de données personnelles",
                "verbose_name_plural": "exports de données personnelles",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(fields=["status", "expires_at"], name="export_status_expiry")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status__in", ["queued", "running"])),
                        fields=("person",),
                        name="one_pending_export_per_person",
                    )
                ],
            },
        ),
    ]
