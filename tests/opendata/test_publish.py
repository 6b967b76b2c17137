"""Publication runs: versions written aside and switched at the end, failures that leave the
previous version served, schema violations named by column and row, one event per action."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from guichet.core.models import Event
from guichet.opendata import actions, selectors, tasks
from guichet.opendata.models import Dataset, Publication
from guichet.opendata.writers import TableWriter
from guichet.territory.models import Commune


def _bytes(publication: Publication) -> dict[str, bytes]:
    return {f.format: selectors.file_path(f).read_bytes() for f in publication.files.all()}


def test_the_demo_publishes_every_chosen_dataset_with_checked_files(demo_world, db):
    # given the demo world, where build_opendata chose to publish everything
    datasets = Dataset.objects.filter(publish=True)
    assert datasets.count() >= 4 * 2 and not demo_world.failed
    for dataset in datasets:
        publication = selectors.latest_publication(dataset)
        # then each has a published version 1 with its four or three files
        assert publication is not None and publication.version == 1
        formats = {f.format for f in publication.files.all()}
        expected = {"csv", "parquet", "schema"}
        if dataset.kind in ("requests", "services-delays"):
            expected.add("geojson")
        assert formats == expected
        # whose size and checksum are those of the bytes on disk
        for file in publication.files.all():
            data = selectors.file_path(file).read_bytes()
            assert file.byte_size == len(data)
            assert file.sha256 == hashlib.sha256(data).hexdigest()
        assert publication.progress_done == publication.progress_total
        # one event when the run started and one when it was published
        kinds = Event.objects.filter(
            subject_type="opendata.publication", subject_id=publication.pk
        ).values_list("kind", flat=True)
        assert sorted(kinds) == ["opendata.publication-published", "opendata.publication-started"]
    requests = Dataset.objects.get(slug="plateforme-requests")
    assert selectors.latest_publication(requests).row_count > 100
    assert "écartées" in selectors.public_description(requests)


def test_a_new_run_supersedes_the_previous_version_and_old_files_are_pruned(demo_world, db):
    dataset = Dataset.objects.get(slug="sceaux-requests")
    first = selectors.latest_publication(dataset)
    # when the data set is published twice more
    second = actions.publish(dataset=dataset)
    assert second.status == Publication.Status.PUBLISHED and second.version == 2
    first.refresh_from_db()
    assert first.status == Publication.Status.SUPERSEDED
    assert selectors.latest_publication(dataset) == second
    assert (selectors.data_dir() / first.directory).is_dir()  # the one before stays on disk
    third = actions.publish(dataset=dataset)
    # then only the served version and the one before it are kept
    assert not (selectors.data_dir() / first.directory).exists()
    assert (selectors.data_dir() / second.directory).is_dir()
    assert _bytes(third)["csv"] == _bytes(second)["csv"]  # same data, same bytes


def test_a_run_failing_half_way_keeps_the_previous_files_served(demo_world, db, monkeypatch):
    # given a published data set
    dataset = Dataset.objects.get(slug="plateforme-requests")
    served = selectors.latest_publication(dataset)
    before = _bytes(served)
    original = TableWriter.write

    def write_then_fail(self, frame):
        original(self, frame)  # the new files are half written...
        raise OSError("No space left on device")  # ... when the disk fills up

    monkeypatch.setattr(TableWriter, "write", write_then_fail)
    # when a new run fails half-way
    failed = actions.publish(dataset=dataset)
    # then it is recorded as failed, in French, with its event
    assert failed.status == Publication.Status.FAILED
    assert failed.error_message == "La publication a échoué (OSError)."
    assert Event.objects.filter(kind="opendata.publication-failed", subject_id=failed.pk).exists()
    # and the previous version is still the one served, byte for byte, with no partial files
    assert selectors.latest_publication(dataset) == served
    assert _bytes(served) == before
    folder = selectors.data_dir() / dataset.slug
    assert sorted(p.name for p in folder.iterdir()) == [f"v{served.version}"]
    assert selectors.last_run(dataset) == failed


def test_a_schema_violation_is_not_published_and_names_its_column_and_row(demo_world, db):
    # given a commune whose INSEE code was mistyped (a letter O for a zero)
    dataset = Dataset.objects.get(slug="plateforme-requests")
    served = selectors.latest_publication(dataset)
    csv_file = served.files.get(format="csv")
    with selectors.file_path(csv_file).open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    expected_row = next(i for i, row in enumerate(rows, start=1) if row["commune_insee"] == "92071")
    Commune.objects.filter(code="92071", kind=Commune.Kind.CURRENT).update(code="92O71")
    # when the data set is published
    failed = actions.publish(dataset=dataset)
    # then nothing is published and the run says which column and row
    assert failed.status == Publication.Status.FAILED
    assert failed.error_column == "commune_insee"
    assert failed.error_row == expected_row
    assert "commune_insee" in failed.error_message and "format attendu" in failed.error_message
    event = Event.objects.get(kind="opendata.publication-failed", subject_id=failed.pk)
    assert event.payload["column"] == "commune_insee" and event.payload["row"] == expected_row
    assert selectors.latest_publication(dataset) == served


def test_one_run_at_a_time_unless_the_other_one_died(demo_world, db):
    dataset = Dataset.objects.get(slug="tours-satisfaction")
    running = actions.start_publication(dataset=dataset, actor=actions.SYSTEM)
    # while a run is going, another is refused
    with pytest.raises(actions.PublicationError, match="déjà en cours"):
        actions.publish(dataset=dataset)
    # a run started long ago belongs to a dead worker: it is failed and a new one proceeds
    Publication.objects.filter(pk=running.pk).update(
        started_at=timezone.now() - actions.STALE_RUN - timedelta(minutes=1)
    )
    publication = actions.publish(dataset=dataset)
    assert publication.status == Publication.Status.PUBLISHED
    running.refresh_from_db()
    assert running.status == Publication.Status.FAILED
    assert "interrompue" in running.error_message


def test_the_command_and_the_periodic_task_publish(demo_world, db, capsys):
    assert settings.GUICHET_WORKER_PERIODIC["guichet.opendata.tasks.publish_all"] == 86400
    call_command("opendata_publish", "gien-requests")
    out = capsys.readouterr().out
    assert "gien-requests : version 2 publiée" in out
    with pytest.raises(CommandError, match="Jeu de données inconnu : nulle-part"):
        call_command("opendata_publish", "nulle-part")
    published = tasks.publish_all()
    assert published == Dataset.objects.filter(publish=True).count()


def test_only_the_authoritys_choices_are_published(demo_world, db):
    # given an authority that stops publishing its requests
    dataset = Dataset.objects.get(slug="tours-requests")
    actions.update_dataset(dataset=dataset, actor=actions.SYSTEM, publish=False)
    assert Event.objects.filter(kind="opendata.dataset-changed", subject_id=dataset.pk).exists()
    # then it is no longer listed, and its requests leave the consolidated set
    assert dataset not in selectors.published_datasets()
    platform = Dataset.objects.get(slug="plateforme-requests")
    assert dataset.authority_id not in actions.scope_of(platform)
    publication = actions.publish(dataset=platform)
    with selectors.file_path(publication.files.get(format="csv")).open(encoding="utf-8") as f:
        agencies = {row["agency_responsible"] for row in csv.DictReader(f)}
    assert "Ville de Tours" not in agencies and agencies
    with pytest.raises(ValueError, match="champs non modifiables"):
        actions.update_dataset(dataset=dataset, actor=actions.SYSTEM, slug="autre")


def test_a_consolidated_set_nobody_publishes_is_empty_but_valid(demo_world, db):
    # given no authority publishing its requests any more
    Dataset.objects.filter(kind="requests", authority__isnull=False).update(publish=False)
    platform = Dataset.objects.get(slug="plateforme-requests")
    assert actions.scope_of(platform) == []
    # when the consolidated set is published
    publication = actions.publish(dataset=platform)
    # then it is an empty table, with its header, an empty collection and its schema
    assert publication.status == Publication.Status.PUBLISHED and publication.row_count == 0
    files = _bytes(publication)
    assert files["csv"].decode().startswith("service_request_id,requested_date,")
    assert json.loads(files["geojson"]) == {"type": "FeatureCollection", "features": []}
    assert "0 demande écartée sur 0" in publication.summary
