"""Reading published open data (for the portal, back office, catalogue and API)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet

from guichet.authorities.models import Authority
from guichet.opendata.models import Dataset, Publication, PublicationFile


def data_dir() -> Path:
    return Path(settings.GUICHET_OPENDATA_DIR)


def published_datasets(authority: Authority | None = None) -> QuerySet[Dataset]:
    """Data sets the authority chose to publish that have a published version; all of the
    platform's (consolidated ones included) when `authority` is None."""
    datasets = Dataset.objects.filter(
        publish=True, publications__status=Publication.Status.PUBLISHED
    ).select_related("authority")
    if authority is not None:
        datasets = datasets.filter(authority=authority)
    return datasets.order_by("authority__name", "kind")


def latest_publication(dataset: Dataset) -> Publication | None:
    """The version served to the public (None before the first successful run)."""
    return (
        Publication.objects.filter(dataset=dataset, status=Publication.Status.PUBLISHED)
        .prefetch_related("files")
        .first()
    )


def last_run(dataset: Dataset) -> Publication | None:
    """The latest run whatever its outcome (for the admin page: a failure shows here)."""
    return Publication.objects.filter(dataset=dataset).order_by("-version").first()


def file_path(file: PublicationFile) -> Path:
    """The absolute path of a published file."""
    return data_dir() / file.path


def public_description(dataset: Dataset, publication: Publication | None = None) -> str:
    """The description followed by the anonymisation summary of the served version."""
    publication = publication or latest_publication(dataset)
    parts = [dataset.description.strip()]
    if publication is not None and publication.summary:
        parts.append(publication.summary)
    return "\n\n".join(p for p in parts if p)
