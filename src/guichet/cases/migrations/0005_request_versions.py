"""Each request keeps the service version it was filed with (ADR 0027); test requests filed
on a draft are never in a queue (the generated `in_queue` column now says so)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def point_to_first_versions(apps, schema_editor):
    Request = apps.get_model("cases", "Request")
    Service = apps.get_model("catalogue", "Service")
    current = Service.objects.filter(pk=OuterRef("service_id")).values("current_version_id")
    Request.objects.filter(service_version__isnull=True).update(
        service_version_id=Subquery(current[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_queue_index_for_prepared_statements"),
        ("catalogue", "0003_service_versions"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="request", name="request_queue"),
        migrations.RemoveField(model_name="request", name="in_queue"),
        migrations.AddField(
            model_name="request",
            name="is_test",
            field=models.BooleanField(default=False, verbose_name="demande de test"),
        ),
        migrations.AddField(
            model_name="request",
            name="service_version",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="requests",
                to="catalogue.serviceversion",
                verbose_name="version du service",
            ),
        ),
        migrations.AddField(
            model_name="request",
            name="in_queue",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.ExpressionWrapper(
                    models.Q(
                        ("is_test", False), ("public_status__in", ["ongoing", "action_needed"])
                    ),
                    output_field=models.BooleanField(),
                ),
                output_field=models.BooleanField(),
            ),
        ),
        migrations.AddIndex(
            model_name="request",
            index=models.Index(
                fields=["authority", "in_queue", "due_at", "received_at", "public_status"],
                name="request_queue",
            ),
        ),
        migrations.RunPython(point_to_first_versions, migrations.RunPython.noop),
    ]
