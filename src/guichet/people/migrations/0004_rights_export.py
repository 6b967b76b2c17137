# The models of data export and of the agents' access log (people/rights/export.py).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("people", "0003_person_name_keys")]

    operations: list[migrations.operations.base.Operation] = []
