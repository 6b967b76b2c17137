"""Service versions (ADR 0027): every existing service gets its version 1, published, from
its current fields, and points to it."""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

PAGE_FIELDS = ("name", "kind", "summary", "description", "level", "required_documents", "keywords")


def create_first_versions(apps, schema_editor):
    Service = apps.get_model("catalogue", "Service")
    ServiceVersion = apps.get_model("catalogue", "ServiceVersion")
    services = Service.objects.filter(current_version__isnull=True)
    for service in services.select_related("category", "workflow").iterator():
        page = {name: getattr(service, name) for name in PAGE_FIELDS}
        page["category"] = service.category.slug
        version = ServiceVersion.objects.create(
            service=service,
            number=1,
            status="published",
            page=page,
            channels=service.channels or [],
            sla_working_days=service.sla_working_days,
            form_definition=service.form_definition or [],
            workflow_definition=service.workflow.definition if service.workflow else {},
            created_by="migration",
            published_by="migration",
            published_at=timezone.now(),
            note="Version initiale, reprise du service existant.",
        )
        Service.objects.filter(pk=service.pk).update(current_version=version)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0002_service_retention_days"),
    ]

    operations = [
        migrations.CreateModel(
            name="ServiceVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField(verbose_name="numéro")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "brouillon"),
                            ("published", "publiée"),
                            ("retired", "remplacée"),
                        ],
                        max_length=12,
                        verbose_name="statut",
                    ),
                ),
                (
                    "page",
                    models.JSONField(
                        default=dict,
                        help_text=(
                            "nom, nature, catégorie, résumé, description, niveau, pièces, "
                            "mots-clés"
                        ),
                        verbose_name="page publique",
                    ),
                ),
                (
                    "channels",
                    models.JSONField(blank=True, default=list, verbose_name="canaux acceptés"),
                ),
                (
                    "sla_working_days",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="délai promis (jours ouvrés)"
                    ),
                ),
                (
                    "form_definition",
                    models.JSONField(blank=True, default=list, verbose_name="formulaire"),
                ),
                (
                    "workflow_definition",
                    models.JSONField(
                        blank=True,
                        default=dict,
                        help_text="vide : le circuit par défaut",
                        verbose_name="circuit de traitement",
                    ),
                ),
                (
                    "revision",
                    models.PositiveIntegerField(default=1, verbose_name="révision du brouillon"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
                    models.CharField(blank=True, max_length=150, verbose_name="créée par"),
                ),
                (
                    "published_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="publiée le"),
                ),
                (
                    "published_by",
                    models.CharField(blank=True, max_length=150, verbose_name="publiée par"),
                ),
                ("note", models.TextField(blank=True, verbose_name="note de publication")),
                (
                    "based_on",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="catalogue.serviceversion",
                    ),
                ),
                (
                    "service",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="versions",
                        to="catalogue.service",
                    ),
                ),
            ],
            options={
                "verbose_name": "version de service",
                "verbose_name_plural": "versions de service",
                "ordering": ["service", "number"],
            },
        ),
        migrations.AddField(
            model_name="service",
            name="current_version",
            field=models.ForeignKey(
                blank=True,
                help_text="la version publiée que le portail montre et que les demandes suivent",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="catalogue.serviceversion",
                verbose_name="version en vigueur",
            ),
        ),
        migrations.AddConstraint(
            model_name="serviceversion",
            constraint=models.UniqueConstraint(
                fields=("service", "number"), name="service_version_number"
            ),
        ),
        migrations.AddConstraint(
            model_name="serviceversion",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "draft")),
                fields=("service",),
                name="service_one_draft",
            ),
        ),
        migrations.RunPython(create_first_versions, migrations.RunPython.noop),
    ]
