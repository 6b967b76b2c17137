# What erasure and retention add to the people models (people/rights/erasure.py).
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("people", "0004_rights_export")]

    operations: list[migrations.operations.base.Operation] = [
        migrations.AddField(
            model_name="person",
            name="erased_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="données effacées le"),
        ),
    ]
