# What erasure and retention add to the people models (people/rights/erasure.py).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("people", "0004_rights_export")]

    operations: list[migrations.operations.base.Operation] = []
