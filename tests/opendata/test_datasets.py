"""The data sets' content on the demo world: readable by pandas, Polars and shapely,
following their Table Schema and the Open311 vocabulary, k-anonymous, and leaving out what
must never be published."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import polars as pl
import pytest
import shapely.geometry
from django.conf import settings
from django.utils import timezone

from guichet.cases.actions.duplicates import merge_request
from guichet.cases.models import PublicStatus, Request
from guichet.catalogue.actions import set_open_data
from guichet.catalogue.models import Service
from guichet.opendata import actions, schemas, selectors
from guichet.opendata.models import Dataset, Publication
from guichet.satisfaction.models import Answer, Survey

PARIS = ZoneInfo("Europe/Paris")


def _files(publication: Publication) -> dict[str, object]:
    return {f.format: selectors.file_path(f) for f in publication.files.all()}


def _rows(publication: Publication) -> list[dict[str, str]]:
    with _files(publication)["csv"].open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _served(slug: str) -> Publication:
    return selectors.latest_publication(Dataset.objects.get(slug=slug))


def test_every_file_is_read_by_pandas_polars_and_shapely(demo_world, db):
    publications = Publication.objects.filter(status=Publication.Status.PUBLISHED)
    assert publications.count() >= 8
    read = 0
    for publication in publications.select_related("dataset"):
        kind, files = publication.dataset.kind, _files(publication)
        fields = [f.name for f in schemas.fields_of(kind)]
        # the Table Schema published beside the data is the kind's, and names the columns
        schema = json.loads(files["schema"].read_text(encoding="utf-8"))
        assert schema == schemas.table_schema(kind)
        assert [f["name"] for f in schema["fields"]] == fields
        # CSV: UTF-8, comma, header = the schema's fields; pandas and Polars agree on it
        frame = pd.read_csv(files["csv"], dtype=str, keep_default_na=False)
        assert list(frame.columns) == fields and len(frame) == publication.row_count
        assert pl.read_csv(files["csv"], infer_schema=False).height == publication.row_count
        # Parquet: same columns, same rows, typed as the schema says
        assert list(pd.read_parquet(files["parquet"]).columns) == fields
        parquet = pl.read_parquet(files["parquet"])
        assert parquet.height == publication.row_count
        assert dict(parquet.schema) == schemas.polars_schema(schemas.fields_of(kind))
        if "geojson" in files:
            collection = json.loads(files["geojson"].read_bytes())
            assert collection["type"] == "FeatureCollection"
            assert len(collection["features"]) == publication.row_count
            for feature in collection["features"]:
                assert list(feature["properties"]) == fields
                if feature["geometry"] is not None:
                    geometry = shapely.geometry.shape(feature["geometry"])
                    assert geometry.is_valid and not geometry.is_empty
        read += publication.row_count
    assert read > 500


def test_location_columns_are_k_anonymous_on_the_demo(demo_world, db):
    k = settings.GUICHET_OPENDATA_K
    checked = 0
    for publication in Publication.objects.filter(
        status=Publication.Status.PUBLISHED, dataset__kind="requests"
    ):
        rows = _rows(publication)
        checked += len(rows)
        for column in ("h3_cell", "commune_insee", "epci_siren"):
            counts = Counter(r[column] for r in rows if r[column])
            assert all(n >= k for n in counts.values()), (publication, column, counts)
        points = Counter((r["lat"], r["long"]) for r in rows if r["lat"])
        assert all(n >= k for n in points.values())
        groups = Counter(
            (r["service_code"], r["commune_insee"], r["requested_date"][:7]) for r in rows
        )
        assert all(n >= k for n in groups.values())
        # a point is a cell's centre or nothing
        assert all(bool(r["lat"]) == bool(r["h3_cell"]) for r in rows)
    assert checked > 300
    # and no published point is a request's precise location
    precise = {
        (f"{lat}", f"{lon}")
        for lat, lon in Request.objects.exclude(latitude=None).values_list("latitude", "longitude")
    }
    rows = _rows(_served("plateforme-requests"))
    assert not {(r["lat"], r["long"]) for r in rows} & precise
    assert any(r["h3_cell"] for r in rows)


def test_requests_rows_use_the_open311_names_and_the_generic_vocabulary(demo_world, db):
    rows = {r["service_request_id"]: r for r in _rows(_served("plateforme-requests"))}
    requests = Request.objects.filter(reference__in=list(rows)).select_related(
        "service", "authority", "commune"
    )
    assert requests.count() == len(rows)
    now = timezone.now()
    statuses = Counter()
    for request in requests:
        row = rows[request.reference]
        closed = request.public_status in (PublicStatus.DONE, PublicStatus.CANCELLED)
        statuses[row["status"]] += 1
        assert row["status"] == ("closed" if closed else "open")
        assert row["generic_status"] == request.public_status
        assert row["requested_date"] == request.received_at.astimezone(PARIS).date().isoformat()
        assert bool(row["closed_date"]) == (
            closed and bool(request.resolved_at or request.closed_at)
        )
        assert row["service_code"] == request.service.slug
        assert row["service_name"] == request.service.name
        assert row["agency_responsible"] == request.authority.name
        assert row["channel"] == request.channel
        assert row["commune_insee"] == (request.commune.code if request.commune else "")
        assert row["sla_working_days"] == str(request.service.sla_working_days or "")
        if request.due_at is None:
            assert row["expected_date"] == "" and row["on_time"] == ""
        else:
            assert row["expected_date"] == request.due_at.astimezone(PARIS).date().isoformat()
            finished = request.resolved_at or request.closed_at
            if finished is not None:
                assert row["on_time"] == ("true" if finished <= request.due_at else "false")
            elif request.due_at < now:
                assert row["on_time"] == "false"
    assert statuses["open"] and statuses["closed"]


def test_test_requests_and_non_publishable_services_never_appear(demo_world, db):
    # given a published service whose requests the platform now keeps private, and test requests
    before = _rows(_served("plateforme-requests"))
    codes = Counter(r["service_code"] for r in before)
    private, _count = codes.most_common(1)[0]
    set_open_data(
        service=Service.objects.get(slug=private), actor=actions.SYSTEM, publishable=False
    )
    tests = [r["service_request_id"] for r in before if r["service_code"] != private][:20]
    Request.objects.filter(reference__in=tests).update(is_test=True)
    # when every requests-based data set is published again
    for slug in ("plateforme-requests", "plateforme-services-delays", "plateforme-journeys"):
        publication = actions.publish(dataset=Dataset.objects.get(slug=slug))
        assert publication.status == Publication.Status.PUBLISHED
        rows = _rows(publication)
        # then neither appears
        assert rows and private not in {r["service_code"] for r in rows}
        if slug == "plateforme-requests":
            assert not {r["service_request_id"] for r in rows} & set(tests)


def test_a_merged_duplicate_names_its_parent(demo_world, db):
    # given two open published requests of one authority, the second merged into the first
    rows = [r for r in _rows(_served("plateforme-requests")) if r["status"] == "open"]
    by_agency: dict[str, list[str]] = {}
    for row in rows:
        by_agency.setdefault(row["agency_responsible"], []).append(row["service_request_id"])
    parent_ref, child_ref = next(refs[:2] for refs in by_agency.values() if len(refs) >= 2)
    parent = Request.objects.get(reference=parent_ref)
    child = Request.objects.get(reference=child_ref)
    merge_request(child=child, parent=parent, actor=actions.SYSTEM)
    # when published again
    publication = actions.publish(dataset=Dataset.objects.get(slug="plateforme-requests"))
    published = {r["service_request_id"]: r for r in _rows(publication)}
    # then the duplicate points at its parent, as Open311's parent_service_request_id
    assert published[child_ref]["parent_service_request_id"] == parent_ref
    assert published[parent_ref]["parent_service_request_id"] == ""


def test_satisfaction_publishes_groups_of_k_answers_and_never_a_comment(demo_world, db):
    # given six answers for one service of Sceaux this month and two for another
    done = list(
        Request.objects.filter(authority__slug="sceaux", public_status=PublicStatus.DONE).order_by(
            "pk"
        )[:8]
    )
    assert len(done) == 8
    now = timezone.now()
    comment = "Merci à Mme Ghislaine Brouchard-Téxier du 14 rue Florian, tél 06 98 76 54 32"
    for number, request in enumerate(done):
        survey = Survey.objects.create(
            request=request,
            token=f"jeton-{number}",
            opened_at=now,
            expires_at=now + timedelta(days=30),
        )
        service_id = done[0].service_id if number < 6 else done[7].service_id
        if number >= 6 and service_id == done[0].service_id:
            service_id = Service.objects.exclude(pk=done[0].service_id).first().pk
        Answer.objects.create(
            survey=survey, resolved=number % 2 == 0, score=1 + number % 5, comment=comment,
            answered_at=now, authority_id=request.authority_id, service_id=service_id,
            channel=request.channel,
        )  # fmt: skip
    # when Sceaux's satisfaction data set is published
    publication = actions.publish(dataset=Dataset.objects.get(slug="sceaux-satisfaction"))
    rows = _rows(publication)
    # then the group of six is published and the group of two counted as left out
    assert len(rows) == 1
    row = rows[0]
    assert row["service_code"] == Service.objects.get(pk=done[0].service_id).slug
    assert row["answers"] == "6" and row["month"] == now.astimezone(PARIS).strftime("%Y-%m")
    assert float(row["mean_score"]) == pytest.approx(sum(1 + n % 5 for n in range(6)) / 6, 0.01)
    assert float(row["resolved_rate"]) == 0.5
    assert publication.suppressed_count == 2
    assert "2 réponses écartées sur 8" in publication.summary
    for path in _files(publication).values():
        data = path.read_bytes()
        assert b"Brouchard" not in data and b"Florian" not in data


def test_journeys_and_delays_publish_rates_per_service_and_month(demo_world, db):
    k = settings.GUICHET_OPENDATA_K
    journeys = _rows(_served("plateforme-journeys"))
    assert journeys
    for row in journeys:
        assert int(row["cases"]) >= k
        assert len(row["month"]) == 7 and row["month"][4] == "-"
        for name in schemas.JOURNEY_RATES:
            value = row[f"{name}_rate"]
            assert value == "" or 0 <= float(value) <= 1
    assert any(row["long_silence_rate"] for row in journeys)
    delays = _served("plateforme-services-delays")
    rows = _rows(delays)
    assert rows and all(int(r["requests_received"]) >= k for r in rows)
    assert all(r["on_time_rate"] == "" or 0 <= float(r["on_time_rate"]) <= 1 for r in rows)
    assert all(int(r["requests_resolved"]) <= int(r["requests_received"]) for r in rows)
    # the delays are mapped on their commune's outline
    collection = json.loads(_files(delays)["geojson"].read_bytes())
    shapes = [
        shapely.geometry.shape(f["geometry"]) for f in collection["features"] if f["geometry"]
    ]
    assert shapes and {s.geom_type for s in shapes} <= {"Polygon", "MultiPolygon"}
    assert delays.period_start and delays.period_end and delays.communes


def test_many_small_batches_write_the_same_files_as_one(demo_world, db, tmp_path):
    # given the consolidated requests written in one batch and in batches of 37 rows
    from guichet.opendata.datasets import requests
    from guichet.opendata.writers import write_table

    def write(folder, chunk):
        folder.mkdir()
        build = requests.build(None, settings.GUICHET_OPENDATA_K, chunk=chunk)
        write_table(folder, "r", "requests", build.batches, geometry=build.geometry)
        return folder

    one, many = write(tmp_path / "one", 100_000), write(tmp_path / "many", 37)
    # then the CSV and the GeoJSON are byte for byte the same, and Parquet holds the same table
    assert (one / "r.csv").read_bytes() == (many / "r.csv").read_bytes()
    assert (one / "r.geojson").read_bytes() == (many / "r.geojson").read_bytes()
    collection = json.loads((many / "r.geojson").read_bytes())
    assert len(collection["features"]) == len(pd.read_csv(many / "r.csv")) > 300
    assert pl.read_parquet(many / "r.parquet").equals(pl.read_parquet(one / "r.parquet"))
