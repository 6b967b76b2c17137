"""Push one published version to the udata portal: the action and its event.

`push_publication` makes the HTTP calls first (outside any transaction: a slow portal holds
no lock), then records the outcome in one transaction with one event:
`opendata.udata-pushed` (remote ids) or `opendata.udata-push-failed` (the French reason).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from guichet.core import journal
from guichet.core.journal import Actor
from guichet.opendata import catalogue
from guichet.opendata.models import Dataset, Publication, UdataLink
from guichet.opendata.udata.client import UdataClient, UdataError

logger = logging.getLogger(__name__)

ACTOR = Actor.system("portail udata")
LICENCE = "lov2"  # udata's id of the Licence Ouverte 2.0
FREQUENCIES = {"DAILY": "daily", "WEEKLY": "weekly", "MONTHLY": "monthly"}
FORMAT_NAMES = {"csv": "csv", "geojson": "geojson", "parquet": "parquet", "schema": "json"}
RESOURCE_TYPES = {"schema": "documentation"}


def configured_client() -> UdataClient | None:
    """The client for the configured portal, or None when the plugin is off."""
    url = getattr(settings, "GUICHET_UDATA_URL", "").strip()
    key = getattr(settings, "GUICHET_UDATA_API_KEY", "").strip()
    if not url or not key:
        return None
    return UdataClient(base_url=url, api_key=key)


def dataset_body(dataset: Dataset, publication: Publication) -> dict:
    body = {
        "title": dataset.title,
        "description": catalogue.entry_of(dataset, publication).description,
        "license": LICENCE,
        "frequency": FREQUENCIES.get(dataset.frequency, "unknown"),
        "tags": ["guichet", "relation-usagers", dataset.kind],
        "extras": {"guichet:slug": dataset.slug, "guichet:version": publication.version},
    }
    organization = getattr(settings, "GUICHET_UDATA_ORGANIZATION", "").strip()
    if organization:
        body["organization"] = {"id": organization}
    if publication.period_start and publication.period_end:
        body["temporal_coverage"] = {
            "start": publication.period_start.isoformat(),
            "end": publication.period_end.isoformat(),
        }
    return body


def resource_body(dataset: Dataset, file) -> dict:
    return {
        "title": f"{dataset.title} ({file.get_format_display()})",
        "url": catalogue.download_url(dataset.slug, file.format),
        "filetype": "remote",
        "type": RESOURCE_TYPES.get(file.format, "main"),
        "format": FORMAT_NAMES[file.format],
        "mime": file.media_type,
        "filesize": file.byte_size,
        "checksum": {"type": "sha256", "value": file.sha256},
    }


def push_publication(*, publication_id: int, client: UdataClient | None = None) -> UdataLink | None:
    """Create or update the remote data set of `publication` and its resources. None when the
    plugin is off or the version is no longer the one served (a newer push will follow)."""
    client = client or configured_client()
    if client is None:
        return None
    publication = (
        Publication.objects.select_related("dataset__authority")
        .prefetch_related("files")
        .filter(pk=publication_id, status=Publication.Status.PUBLISHED, dataset__publish=True)
        .first()
    )
    if publication is None:
        return None
    dataset = publication.dataset
    link = UdataLink.objects.filter(dataset=dataset).first()
    remote_id = link.remote_id if link and link.portal == client.base_url else ""
    resources = dict(link.resources) if link and remote_id else {}
    try:
        body = dataset_body(dataset, publication)
        if remote_id:
            client.update_dataset(remote_id, body)
        else:
            remote_id = str(client.create_dataset(body).get("id") or "")
            if not remote_id:
                raise UdataError("Le portail n'a pas donné d'identifiant au jeu de données.")
        for file in sorted(publication.files.all(), key=lambda f: f.format):
            payload = resource_body(dataset, file)
            if file.format in resources:
                client.update_resource(remote_id, resources[file.format], payload)
            else:
                created = client.create_resource(remote_id, payload)
                if not created.get("id"):
                    raise UdataError("Le portail n'a pas donné d'identifiant à la ressource.")
                resources[file.format] = str(created["id"])
    except UdataError as error:
        logger.warning("udata push of %s v%s failed: %s", dataset.slug, publication.version, error)
        return record_push(
            dataset=dataset, publication=publication, portal=client.base_url,
            remote_id=remote_id, resources=resources, error=str(error),
        )  # fmt: skip
    return record_push(
        dataset=dataset, publication=publication, portal=client.base_url, remote_id=remote_id,
        resources=resources,
    )  # fmt: skip


@transaction.atomic
def record_push(
    *, dataset: Dataset, publication: Publication, portal: str, remote_id: str,
    resources: dict, error: str = "",
) -> UdataLink:  # fmt: skip
    """Keep the remote ids (even after a partial failure: the next push updates them) and
    append one event."""
    link, _ = UdataLink.objects.select_for_update().get_or_create(
        dataset=dataset, defaults={"portal": portal}
    )
    link.portal, link.remote_id, link.resources = portal, remote_id, resources
    link.last_error = error
    if not error:
        link.pushed_version, link.pushed_at = publication.version, timezone.now()
    link.save()
    journal.append(
        kind="opendata.udata-push-failed" if error else "opendata.udata-pushed",
        actor=ACTOR, subject=publication, authority_id=dataset.authority_id,
        payload={
            "dataset": dataset.slug, "version": publication.version, "portal": portal,
            "remote_id": remote_id, "resources": len(resources), **({"error": error} if error else {}),
        },
    )  # fmt: skip
    return link
