"""Published data sets written to disk for the publication-side tests (catalogue, pages, udata).

The data sets' content is O1's (built from requests by the publication runs); these tests need
published versions with real files, so they write small ones the way a run leaves them: files
under GUICHET_OPENDATA_DIR, a published Publication with its PublicationFile rows (size and
SHA-256 of the bytes on disk).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from guichet.authorities import actions as authorities
from guichet.core.journal import Actor
from guichet.opendata.models import Dataset, Publication, PublicationFile

SYSTEM = Actor.system("tests")
HEADER = ["id", "created", "status", "service_code", "commune_insee", "h3_cell"]
SCHEMA = {
    "fields": [
        {"name": "id", "type": "string", "description": "Identifiant de la demande"},
        {"name": "created", "type": "date", "description": "Jour de dépôt"},
        {"name": "status", "type": "string", "description": "État (open, closed)"},
        {"name": "service_code", "type": "string", "description": "Code du service"},
        {"name": "commune_insee", "type": "string", "description": "Code INSEE de la commune"},
        {"name": "h3_cell", "type": "string", "description": "Cellule H3 généralisée"},
    ],
    "primaryKey": ["id"],
}


def operator(
    slug: str = "syndicat-test", name: str = "Syndicat des tests", siren: str = "200012342"
):
    return authorities.create_authority(
        actor=SYSTEM, kind="operator", name=name, slug=slug, siren=siren, operator_sector="eau"
    )


def rows(n: int) -> list[list[str]]:
    start = date(2026, 11, 1)
    return [
        [f"R{i:05d}", (start + timedelta(days=i % 28)).isoformat(), "open" if i % 3 else "closed",
         "signalement-voirie", "92071", "8a1fb46622dffff"]
        for i in range(n)
    ]  # fmt: skip


def _write(directory: Path, name: str, data: bytes) -> tuple[str, int, str]:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(data)
    relative = str((directory / name).relative_to(settings.GUICHET_OPENDATA_DIR))
    return relative, len(data), hashlib.sha256(data).hexdigest()


def publish(
    authority,
    *,
    kind: str = "requests",
    slug: str | None = None,
    title: str | None = None,
    row_count: int = 12,
    version: int = 1,
    publish: bool = True,
) -> Publication:
    """A data set of `authority` (None: the platform) with a published version on disk."""
    slug = slug or f"{kind}-{authority.slug if authority else 'plateforme'}"
    dataset, _ = Dataset.objects.get_or_create(
        slug=slug,
        defaults={
            "authority": authority, "kind": kind, "publish": publish,
            "title": title or f"Demandes — {authority.name if authority else 'plateforme'}",
            "description": "Une ligne par demande, anonymisée.",
        },
    )  # fmt: skip
    Publication.objects.filter(dataset=dataset, status="published").update(status="superseded")
    now = timezone.now()
    publication = Publication.objects.create(
        dataset=dataset, version=version, status="published", started_at=now, finished_at=now,
        directory=f"{slug}/v{version}", row_count=row_count, suppressed_count=2,
        summary="2 demandes de combinaisons rares (moins de 5) n'ont pas été publiées.",
        period_start=date(2026, 11, 1), period_end=date(2026, 11, 28), communes=["92071", "92002"],
    )  # fmt: skip
    directory = Path(settings.GUICHET_OPENDATA_DIR) / slug / f"v{version}"
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows(row_count))
    features = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [2.2946, 48.7766]},
             "properties": dict(zip(HEADER, row, strict=True))}
            for row in rows(row_count)
        ],
    }  # fmt: skip
    contents = {
        "csv": (f"{slug}.csv", text.getvalue().encode()),
        "geojson": (f"{slug}.geojson", json.dumps(features).encode()),
        "parquet": (f"{slug}.parquet", b"PAR1" + b"\0" * 16 + b"PAR1"),
        "schema": (f"{slug}.schema.json", json.dumps(SCHEMA).encode()),
    }
    for fmt, (name, data) in contents.items():
        path, size, digest = _write(directory, name, data)
        PublicationFile.objects.create(
            publication=publication, format=fmt, path=path, byte_size=size, sha256=digest
        )
    return publication
