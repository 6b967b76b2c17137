"""The udata plugin: after a publication, the data set and its resources are created (then
updated) on the portal, calls recorded by a real local HTTP server; the key never in a URL
or a log; failures recorded, nothing lost."""

from __future__ import annotations

import logging

import pytest

from guichet.core.models import Event
from guichet.opendata import actions
from guichet.opendata.models import UdataLink
from guichet.opendata.udata import push

from .published import operator
from .published import publish as publish_files
from .udata_server import RecordingUdata

KEY = "cle-secrete-udata-0123456789"
BASE = "https://guichet.exemple.fr"


@pytest.fixture
def portal():
    server = RecordingUdata(KEY).start()
    yield server
    server.stop()


@pytest.fixture
def configured(settings, tmp_path, portal):
    settings.GUICHET_OPENDATA_DIR = tmp_path
    settings.GUICHET_BASE_URL = BASE
    settings.GUICHET_UDATA_URL = portal.url
    settings.GUICHET_UDATA_API_KEY = KEY
    settings.GUICHET_UDATA_ORGANIZATION = "org-syndicat"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return settings


def run_publication(django_capture_on_commit_callbacks, dataset):
    with django_capture_on_commit_callbacks(execute=True):
        return actions.publish(dataset=dataset)


def test_a_publication_creates_the_data_set_and_its_resources_on_the_portal(
    db, configured, portal, django_capture_on_commit_callbacks, caplog
):
    # given an authority publishing its requests data set, and a configured portal
    authority = operator()
    dataset = next(d for d in actions.ensure_datasets(authority=authority, actor=actions.SYSTEM)
                   if d.kind == "requests")  # fmt: skip
    actions.update_dataset(dataset=dataset, actor=actions.SYSTEM, publish=True)
    # when a publication run succeeds (the journal subscription queues the push after commit)
    with caplog.at_level(logging.DEBUG):
        publication = run_publication(django_capture_on_commit_callbacks, dataset)
    assert publication.status == "published", publication.error_message
    # then the portal got one data set and one resource per file, with the key in the header
    methods = [(c["method"], c["path"]) for c in portal.calls]
    assert methods[0] == ("POST", "/api/1/datasets/")
    resources = [c for c in portal.calls if c["path"].endswith("/resources/")]
    assert len(resources) == publication.files.count() == 4
    assert all(c["headers"]["x-api-key"] == KEY for c in portal.calls)
    created = portal.calls[0]["body"]
    assert created["license"] == "lov2" and created["organization"] == {"id": "org-syndicat"}
    assert created["title"] == dataset.title
    csv = next(c["body"] for c in resources if c["body"]["format"] == "csv")
    file = publication.files.get(format="csv")
    assert csv["url"] == f"{BASE}/donnees/{dataset.slug}/fichiers/{dataset.slug}.csv"
    assert csv["checksum"] == {"type": "sha256", "value": file.sha256}
    assert csv["filesize"] == file.byte_size and csv["filetype"] == "remote"
    # and the link is kept with one event
    link = UdataLink.objects.get(dataset=dataset)
    assert link.remote_id == "ds-1" and set(link.resources) == {
        "csv",
        "geojson",
        "parquet",
        "schema",
    }
    assert Event.objects.filter(kind="opendata.udata-pushed").count() == 1
    # the key is in no URL and no log line
    assert not any(KEY in line for line in portal.raw_lines)
    assert KEY not in caplog.text
    assert not Event.objects.filter(payload__icontains=KEY).exists()


def test_the_next_publication_updates_instead_of_duplicating(
    db, configured, portal, django_capture_on_commit_callbacks
):
    authority = operator()
    dataset = actions.ensure_datasets(authority=authority, actor=actions.SYSTEM)[0]
    actions.update_dataset(dataset=dataset, actor=actions.SYSTEM, publish=True)
    run_publication(django_capture_on_commit_callbacks, dataset)
    first = len(portal.calls)
    run_publication(django_capture_on_commit_callbacks, dataset)
    later = portal.calls[first:]
    assert [c["method"] for c in later] == ["PUT"] * 5
    link = UdataLink.objects.get(dataset=dataset)
    assert later[0]["path"] == f"/api/1/datasets/{link.remote_id}/"
    assert {c["path"].rsplit("/", 2)[-2] for c in later[1:]} == set(link.resources.values())
    assert link.pushed_version == 2


def test_a_refusing_portal_is_recorded_and_the_publication_stays(
    db, configured, portal, django_capture_on_commit_callbacks, caplog
):
    portal.fail_with = 503
    authority = operator()
    dataset = actions.ensure_datasets(authority=authority, actor=actions.SYSTEM)[0]
    actions.update_dataset(dataset=dataset, actor=actions.SYSTEM, publish=True)
    publication = run_publication(django_capture_on_commit_callbacks, dataset)
    assert publication.status == "published"
    link = UdataLink.objects.get(dataset=dataset)
    assert link.last_error == "Le portail a répondu 503 à POST /datasets/."
    failed = Event.objects.get(kind="opendata.udata-push-failed")
    assert failed.payload["error"] == link.last_error
    assert KEY not in caplog.text


def test_without_configuration_nothing_is_sent(db, settings, tmp_path, portal):
    settings.GUICHET_OPENDATA_DIR = tmp_path
    settings.GUICHET_UDATA_URL = ""
    publication = publish_files(operator())
    assert push.push_publication(publication_id=publication.pk) is None
    assert portal.calls == []


def test_the_client_never_shows_its_key():
    client = push.UdataClient(base_url="https://portail.exemple.fr/api/1", api_key=KEY)
    assert KEY not in repr(client) and KEY not in str(client)


def test_an_unreachable_portal_is_a_french_error_without_the_key(db, configured, tmp_path):
    configured.GUICHET_UDATA_URL = "http://127.0.0.1:9/api/1"
    publication = publish_files(operator())
    link = push.push_publication(publication_id=publication.pk)
    assert link.last_error.startswith("Portail injoignable (POST /datasets/)")
    assert KEY not in link.last_error
