"""The public real-time API: no key, anonymised like the data sets, cached, rate-limited,
hostile parameters refused in the API's error shape, documented in the OpenAPI document."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from api.factories import build_world, file_request
from support import built_for_the_module, refreshed

from guichet.api.v1 import realtime as open_data
from guichet.cases.models import Request
from guichet.catalogue.models import Service
from guichet.core import clock
from guichet.opendata.anonymise import cell_centre, generalise_points

BASE = "/api/v1/donnees-ouvertes"
K = 3
SCEAUX_POINTS = [(48.7766 + i * 0.0001, 2.2946 + i * 0.0001) for i in range(5)]
SECRETS = ("Alice", "Martin", "alice@exemple.fr", "Un trou profond", "Bob", "Durand")


def _build():
    world = build_world()
    Service.objects.filter(slug="signalement-voirie").update(public_reports=True)
    world.sceaux_requests = [
        file_request(world, latitude=lat, longitude=lon) for lat, lon in SCEAUX_POINTS
    ]
    world.tours_requests = [file_request(world, in_tours=True) for _ in range(2)]
    return world


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, _build) as world:
        yield world


@pytest.fixture
def world(_module_world, db, settings):
    settings.GUICHET_OPENDATA_K = K
    return refreshed(_module_world)


def get(client, path: str, **params):
    return client.get(f"{BASE}/{path}", params)


def test_open_requests_need_no_key_and_hide_groups_under_k(client, world):
    # given 5 open reports in Sceaux and 2 in Tours (k = 3)
    response = get(client, "demandes-ouvertes")
    # then anyone reads the Sceaux group; Tours's 2 are only counted as suppressed
    assert response.status_code == 200
    data = response.json()
    assert [(g["authority"], g["commune_insee"], g["open_requests"]) for g in data["groups"]] == [
        ("sceaux", "92071", 5)
    ]
    assert data["suppressed"] == 2 and data["k"] == K
    assert not any(secret in response.content.decode() for secret in SECRETS)


def test_filters_narrow_the_counts(client, world):
    data = get(client, "demandes-ouvertes", collectivite="tours").json()
    assert data["groups"] == [] and data["suppressed"] == 2
    data = get(client, "demandes-ouvertes", commune="92071", service="signalement-voirie").json()
    assert data["total"] == 5


def test_public_reports_are_geojson_at_the_data_sets_generalised_points(client, world):
    response = get(client, "signalements.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert len(features) == 7
    # the same anonymisation as the data sets: the H3 cell holding at least k reports
    expected = {c for c in generalise_points(SCEAUX_POINTS + [(47.3936, 0.6892)] * 2, K) if c}
    published = {f["properties"]["h3_cell"] for f in features if f["properties"]["h3_cell"]}
    assert published <= expected
    for feature in features:
        cell = feature["properties"]["h3_cell"]
        if cell is None:
            assert feature["geometry"] is None  # too isolated: the commune only
            continue
        lat, lon = cell_centre(cell)
        assert feature["geometry"]["coordinates"] == [lon, lat]
        assert (lat, lon) not in SCEAUX_POINTS
    # no person, no free text, no reference, no exact point
    body = response.content.decode()
    assert not any(secret in body for secret in SECRETS)
    assert not any(r.reference in body for r in world.sceaux_requests)
    assert "48.7766," not in body and "2.2946]" not in body


def test_answers_are_cached_for_a_minute(client, world, django_assert_num_queries):
    first = get(client, "demandes-ouvertes").json()
    # a new report is filed…
    file_request(world, latitude=48.7767, longitude=2.2947)
    # …and the next readers get the cached answer, without a query
    with django_assert_num_queries(0):
        again = get(client, "demandes-ouvertes")
    assert again.json() == first
    assert again["Cache-Control"] == "public, max-age=60"


def test_delays_this_week_count_the_requests_resolved_since_monday(client, world):
    # given 3 Sceaux reports resolved today, 2 days after they were received
    now = clock.now()
    ids = [r.pk for r in world.sceaux_requests[:3]]
    Request.objects.filter(pk__in=ids).update(
        received_at=now - timedelta(days=2), resolved_at=now, public_status="done"
    )
    data = get(client, "delais-de-la-semaine").json()
    (group,) = data["groups"]
    assert (group["authority"], group["service_code"], group["resolved"]) == (
        "sceaux", "signalement-voirie", 3,
    )  # fmt: skip
    assert 0 <= group["median_working_days"] <= 2
    assert (
        group["promise_working_days"]
        == Service.objects.get(slug="signalement-voirie").sla_working_days
    )
    assert data["since"] <= now.isoformat()


def test_past_the_limit_an_address_gets_a_429_in_the_api_shape(
    client, world, monkeypatch, one_rate_window
):
    monkeypatch.setattr(open_data, "PUBLIC_RATE_LIMIT", 3)
    for _ in range(3):
        assert get(client, "demandes-ouvertes").status_code == 200
    refused = get(client, "signalements.geojson")
    assert refused.status_code == 429
    body = refused.json()
    assert set(body) == {"detail", "code", "errors"} and body["code"] == "trop_de_requetes"
    assert "réessayez" in body["detail"] and int(refused["Retry-After"]) >= 1
    # another address is not affected
    assert client.get(f"{BASE}/demandes-ouvertes", REMOTE_ADDR="10.1.2.3").status_code == 200


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"commune": "abc"}, "commune"),
        ({"commune": "920711"}, "commune"),
        ({"service": "../../etc/passwd"}, "service"),
        ({"service": "x" * 500}, "service"),
        ({"collectivite": "Sceaux; DROP TABLE"}, "collectivite"),
        ({"collectivite": "é" * 10}, "collectivite"),
    ],
)
def test_hostile_parameters_are_422_naming_the_field(client, world, params, field):
    response = get(client, "demandes-ouvertes", **params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "donnees_invalides"
    assert body["errors"][0]["field"] == field


def test_a_nul_byte_is_refused_before_any_query(client, world):
    response = client.get(f"{BASE}/demandes-ouvertes?service=a%00b")
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "code", "errors"}


def test_only_get_is_answered(client, world):
    assert client.post(f"{BASE}/demandes-ouvertes").status_code == 405


def test_the_openapi_document_describes_the_keyless_endpoints(client, world):
    document = json.loads(client.get("/api/v1/openapi.json").content)
    for path in ("demandes-ouvertes", "signalements.geojson", "delais-de-la-semaine"):
        operation = document["paths"][f"{BASE}/{path}"]["get"]
        assert "security" not in operation or operation["security"] == []
        assert {p["name"] for p in operation["parameters"]} == {
            "collectivite",
            "service",
            "commune",
        }
