"""Small helpers to read, alter and import copies of the data files."""

import json
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command

from guichet.territory.models import (
    Commune,
    Departement,
    Intercommunality,
    Membership,
    Postcode,
    Region,
)


def load(folder: Path, name: str) -> Any:
    return json.loads((folder / name).read_text(encoding="utf-8"))


def save(folder: Path, name: str, data: Any) -> None:
    (folder / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def run_import(*args: str) -> str:
    out = StringIO()
    call_command("import_territory", *args, stdout=out)
    return out.getvalue()


def table_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Region, Departement, Intercommunality, Commune, Membership, Postcode)
    }


def snapshot() -> list[tuple]:
    """Every commune's data, to prove that a refused import changed nothing."""
    return list(
        Commune.objects.order_by("code", "kind").values_list(
            "code", "kind", "name", "population", "parent_id", "departement_id", "bbox"
        )
    )
