""" "Already reported nearby": open requests of the same service within the radius and the
time window, nearest first; exact against a brute-force haversine on random points."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guichet.cases.models import Request
from guichet.cases.nearby import bands, haversine_m, nearby_requests
from guichet.core import clock

from .factories import POINTS, bring_to, file_request, form_for, service

ROADS = "signalement-voirie"
SCEAUX = POINTS["92071"]


def offset(lat: float, lon: float, north_m: float, east_m: float) -> dict[str, float]:
    """A point `north_m` north and `east_m` east of (lat, lon) (small distances)."""
    dlat = north_m / 111_195.08
    dlon = east_m / (111_195.08 * math.cos(math.radians(lat)))
    return {"lat": lat + dlat, "lon": lon + dlon}


def file_at(world, point, slug=ROADS, **extra):
    return file_request(world, slug, form_data=form_for(slug) | {"emplacement": point}, **extra)


@pytest.fixture
def roads():
    found = service(ROADS)
    found.nearby_radius_m, found.nearby_days = 50, 30
    found.save(update_fields=["nearby_radius_m", "nearby_days"])
    return found


def test_open_requests_within_the_radius_come_nearest_first_with_distance_and_age(world, roads):
    # given reports 40 m, 20 m and 80 m away
    far = file_at(world, offset(SCEAUX["lat"], SCEAUX["lon"], 80, 0))
    at_40 = file_at(world, offset(SCEAUX["lat"], SCEAUX["lon"], 0, 40))
    at_20 = file_at(world, offset(SCEAUX["lat"], SCEAUX["lon"], -20, 0))
    # when looking around the point
    found = nearby_requests(roads, SCEAUX["lat"], SCEAUX["lon"])
    # then the two within 50 m, nearest first, with their distance in metres and age
    assert [n.reference for n in found] == [at_20.reference, at_40.reference]
    assert far.reference not in {n.reference for n in found}
    assert found[0].distance_m == pytest.approx(20, abs=0.5)
    assert found[1].distance_m == pytest.approx(40, abs=0.5)
    assert timedelta(0) <= found[0].age < timedelta(minutes=5)
    assert found[0].public_status_label == "en cours"


def test_a_radius_of_zero_looks_nothing_up(world, roads):
    file_at(world, SCEAUX)
    roads.nearby_radius_m = 0
    assert nearby_requests(roads, SCEAUX["lat"], SCEAUX["lon"]) == []


def test_old_closed_test_duplicate_and_other_service_requests_are_left_out(world, roads):
    # given an old report, a resolved one, a test one, a merged duplicate and another service's
    with clock.frozen_at(clock.now() - timedelta(days=31)):
        old = file_at(world, SCEAUX)
    resolved = bring_to(world, file_at(world, SCEAUX), "resolved")
    test = file_at(world, SCEAUX)
    Request.objects.filter(pk=test.pk).update(is_test=True)
    parent = file_at(world, SCEAUX)
    child = file_at(world, SCEAUX)
    Request.objects.filter(pk=child.pk).update(duplicate_of=parent)
    lighting = file_at(world, SCEAUX, slug="eclairage-public-en-panne")
    # when looking around the point
    found = {n.reference for n in nearby_requests(roads, SCEAUX["lat"], SCEAUX["lon"], limit=50)}
    # then only the open parent is offered
    assert found == {parent.reference}
    assert not found & {old.reference, resolved.reference, test.reference, child.reference}
    assert lighting.reference not in found


def test_the_time_window_follows_the_service_and_a_request_can_be_excluded(world, roads):
    with clock.frozen_at(clock.now() - timedelta(days=10)):
        ten_days = file_at(world, SCEAUX)
    fresh = file_at(world, SCEAUX)
    roads.nearby_days = 7
    found = [n.reference for n in nearby_requests(roads, SCEAUX["lat"], SCEAUX["lon"])]
    assert found == [fresh.reference]
    roads.nearby_days = 30
    found = nearby_requests(roads, SCEAUX["lat"], SCEAUX["lon"], exclude=fresh.pk)
    assert [n.reference for n in found] == [ten_days.reference]


@pytest.mark.parametrize("lat, lon", [(float("nan"), 2.0), (91.0, 2.0), (48.0, 181.0)])
def test_a_point_off_the_earth_is_refused(world, roads, lat, lon):
    with pytest.raises(ValueError):
        nearby_requests(roads, lat, lon)


@settings(
    max_examples=25, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(
    radius=st.integers(min_value=1, max_value=5_000),
    centre=st.tuples(st.floats(-89.9, 89.9), st.floats(-179.9, 179.9)),
    points=st.lists(
        st.tuples(st.floats(-0.06, 0.06), st.floats(-0.06, 0.06)), min_size=1, max_size=30
    ),
)
def test_the_answer_is_the_brute_force_haversine_answer(world, roads, radius, centre, points):
    # given open requests of the service written around a random centre (anywhere on Earth)
    lat, lon = centre
    Request.objects.filter(service=roads).delete()
    template = file_at(world, SCEAUX)
    now = clock.now()
    rows = []
    for number, (dlat, dlon) in enumerate(points):
        rlat = max(-90.0, min(90.0, lat + dlat))
        rlon = ((lon + dlon / max(math.cos(math.radians(lat)), 0.01) + 180) % 360) - 180
        rows.append(
            Request(
                reference=f"P{number:05d}",
                tracking_secret="x",
                service=roads,
                authority_id=template.authority_id,
                person_id=template.person_id,
                channel="web",
                state="received",
                public_status="ongoing",
                summary="s",
                latitude=rlat,
                longitude=rlon,
                received_at=now,
            )  # fmt: skip
        )
    Request.objects.filter(pk=template.pk).delete()
    Request.objects.bulk_create(rows)
    roads.nearby_radius_m = radius
    # when looking around the centre
    found = nearby_requests(roads, lat, lon, now=now, limit=100)
    # then exactly the points a brute-force haversine puts within the radius, nearest first
    expected = sorted(
        (haversine_m(lat, lon, r.latitude, r.longitude), r.reference)
        for r in rows
        if haversine_m(lat, lon, r.latitude, r.longitude) <= radius
    )
    assert [n.reference for n in found] == [ref for _, ref in expected][:100]


@given(
    lat=st.floats(-89.0, 89.0), lon=st.floats(-179.0, 179.0),
    radius=st.floats(1, 20_000), bearing=st.floats(0, 2 * math.pi),
)  # fmt: skip
def test_every_point_within_the_radius_lies_inside_the_bands(lat, lon, radius, bearing):
    # the destination point at `radius` along `bearing` (spherical formula)
    delta = radius / 6_371_008.8
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(
        math.sin(p1) * math.cos(delta) + math.cos(p1) * math.sin(delta) * math.cos(bearing)
    )
    l2 = l1 + math.atan2(
        math.sin(bearing) * math.sin(delta) * math.cos(p1),
        math.cos(delta) - math.sin(p1) * math.sin(p2),
    )
    lat2, lon2 = math.degrees(p2), math.degrees(l2)
    lat_min, lat_max, lon_min, lon_max = bands(lat, lon, radius)
    assert lat_min <= lat2 <= lat_max
    if lon_min is not None:
        assert lon_min <= lon2 <= lon_max
