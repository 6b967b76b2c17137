"""Areas' geometry: what may be stored (French refusals), and which points an area contains."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from guichet.territory.areas import (
    MAX_VERTICES,
    AreaError,
    area_contains,
    check_geometry,
    parse_geometry,
)
from guichet.territory.models import Area

# A 1 km × 1.1 km square around Sceaux's centre.
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[2.285, 48.772], [2.299, 48.772], [2.299, 48.782], [2.285, 48.782],
                     [2.285, 48.772]]],
}  # fmt: skip
# Rue Houdan, roughly: a west–east road of 700 m.
ROAD = {"type": "LineString", "coordinates": [[2.2870, 48.7770], [2.2965, 48.7772]]}
METRES_PER_DEGREE = math.radians(1) * 6_371_008.8


def area(geometry, buffer_m: int = 15) -> Area:
    checked = check_geometry(geometry, buffer_m=buffer_m)
    return Area(name="test", geometry=checked.geometry, bbox=checked.bbox, buffer_m=buffer_m)


def refusal(document, **kwargs) -> str:
    with pytest.raises(AreaError) as refused:
        check_geometry(document, **kwargs)
    return str(refused.value)


def test_a_square_is_stored_with_its_bbox():
    checked = check_geometry(SQUARE)
    assert checked.geometry["type"] == "Polygon"
    assert checked.bbox == [2.285, 48.772, 2.299, 48.782]


def test_a_road_line_covers_its_width_in_its_bbox():
    checked = check_geometry(ROAD, buffer_m=20)
    # 20 m either side: about 0.00018° of latitude beyond the line
    assert checked.bbox[1] == pytest.approx(48.7770 - 20 / METRES_PER_DEGREE, abs=1e-6)
    assert checked.bbox[3] == pytest.approx(48.7772 + 20 / METRES_PER_DEGREE, abs=1e-6)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"type": "Point", "coordinates": [2.29, 48.77]}, "n'est pas accepté"),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [
                        [2.285, 48.772],
                        [2.299, 48.782],
                        [2.299, 48.772],
                        [2.285, 48.782],
                        [2.285, 48.772],
                    ]
                ],
            },
            "se recoupe lui-même",
        ),  # a bow tie
        (
            {
                "type": "Polygon",
                "coordinates": [[[-74.0, 40.7], [-73.9, 40.7], [-73.9, 40.8], [-74.0, 40.7]]],
            },
            "territoire français",
        ),  # New York
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [[48.772, 2.285], [48.782, 2.285], [48.782, 2.299], [48.772, 2.285]]
                ],
            },
            "territoire français",
        ),  # swapped
        (
            {
                "type": "Polygon",
                "coordinates": [[[0.0, 43.0], [6.0, 43.0], [6.0, 49.0], [0.0, 43.0]]],
            },
            "trop étendu",
        ),
        ({"type": "LineString", "coordinates": [[2.29, 48.77], [2.29, 48.77]]}, "deux points"),
        ({"type": "LineString", "coordinates": [[2.29, 48.77], [3.9, 48.77]]}, "trop long"),
        (
            {"type": "Polygon", "coordinates": [[["2.29", 48.77], [2.3, 48.77], [2.3, 48.78]]]},
            "paire de nombres",
        ),
        (
            {"type": "Polygon", "coordinates": [[[math.inf, 48.77], [2.3, 48.77], [2.3, 48.78]]]},
            "paire de nombres",
        ),
        (
            {"type": "Polygon", "coordinates": [[[True, 48.77], [2.3, 48.77], [2.3, 48.78]]]},
            "paire de nombres",
        ),
        ({"type": "Polygon", "coordinates": []}, "absentes ou mal formées"),
        ({"type": "Polygon"}, "absentes ou mal formées"),
        (
            {"type": "Polygon", "coordinates": [[[2.29, 48.77], [2.3, 48.77], [2.29, 48.77]]]},
            "n'est pas valide",
        ),
        ([1, 2], "objet GeoJSON"),
        ({"type": "FeatureCollection", "features": []}, "un seul tracé"),
    ],
)
def test_a_geometry_that_cannot_be_an_area_is_refused_in_french(document, expected):
    assert expected in refusal(document)


def test_too_many_vertices_are_refused():
    ring = [[2.285 + 0.01 * math.cos(t / 3000 * 2 * math.pi),
             48.777 + 0.01 * math.sin(t / 3000 * 2 * math.pi)] for t in range(MAX_VERTICES + 10)]  # fmt: skip
    ring.append(ring[0])
    assert "trop de points" in refusal({"type": "Polygon", "coordinates": [ring]})


def test_a_road_width_out_of_range_is_refused():
    assert "entre 1 et 200" in refusal(ROAD, buffer_m=0)
    assert "entre 1 et 200" in refusal(ROAD, buffer_m=5000)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "{",
        "null",
        "\x00{}",
        "[" * 100_000,
        "x" * 1_000_001,
        json.dumps({"type": "Feature", "geometry": None}),
    ],
)
def test_hostile_text_is_refused_in_french(text):
    with pytest.raises(AreaError) as refused:
        check_geometry(parse_geometry(text))
    assert str(refused.value)[0].isupper()


def test_a_feature_or_a_collection_of_one_is_read_as_its_geometry():
    feature = {"type": "Feature", "properties": {}, "geometry": SQUARE}
    assert parse_geometry(json.dumps(feature)) == SQUARE
    collection = {"type": "FeatureCollection", "features": [feature]}
    assert parse_geometry(json.dumps(collection)) == SQUARE


def test_a_polygon_contains_its_inside_and_border_not_its_outside():
    square = area(SQUARE)
    assert area_contains(square, 48.777, 2.29)
    assert area_contains(square, 48.772, 2.29)  # on the border
    assert not area_contains(square, 48.790, 2.29)
    assert not area_contains(square, 48.777, 2.30)
    assert not area_contains(square, math.nan, 2.29)


def test_a_road_covers_its_width_either_side():
    road = area(ROAD, buffer_m=15)
    middle_lat = 48.7771
    assert area_contains(road, middle_lat + 10 / METRES_PER_DEGREE, 2.2917)  # 10 m north
    assert area_contains(road, middle_lat - 10 / METRES_PER_DEGREE, 2.2917)  # 10 m south
    assert not area_contains(road, middle_lat + 25 / METRES_PER_DEGREE, 2.2917)
    assert not area_contains(road, middle_lat, 2.2990)  # beyond its eastern end


def spherical_distance_to_segment(p, a, b) -> float:
    """Metres from p to the great-circle segment a–b (lat, lon in degrees): cross-track and
    along-track distances on the sphere, an independent computation."""
    radius = 6_371_008.8

    def angular(x, y):
        (la1, lo1), (la2, lo2) = (map(math.radians, x)), (map(math.radians, y))
        h = (
            math.sin((la2 - la1) / 2) ** 2
            + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
        )
        return 2 * math.asin(min(1.0, math.sqrt(h)))

    def bearing(x, y):
        la1, lo1 = map(math.radians, x)
        la2, lo2 = map(math.radians, y)
        return math.atan2(
            math.sin(lo2 - lo1) * math.cos(la2),
            math.cos(la1) * math.sin(la2) - math.sin(la1) * math.cos(la2) * math.cos(lo2 - lo1),
        )

    d13, d12 = angular(a, p), angular(a, b)
    delta = bearing(a, p) - bearing(a, b)
    if math.cos(delta) < 0:
        return d13 * radius
    cross = math.asin(math.sin(d13) * math.sin(delta))
    along = math.acos(max(-1.0, min(1.0, math.cos(d13) / math.cos(cross))))
    if along > d12:
        return angular(b, p) * radius
    return abs(cross) * radius


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    vertices=st.lists(
        st.tuples(st.floats(-0.01, 0.01), st.floats(-0.01, 0.01)), min_size=2, max_size=4
    ),
    buffer_m=st.integers(1, 200),
    offset=st.tuples(st.floats(-0.006, 0.006), st.floats(-0.006, 0.006)),
)
def test_a_road_contains_exactly_the_points_within_its_width_on_the_sphere(
    vertices, buffer_m, offset
):
    # given a road line of a few hundred metres around Tours and a point near it
    origin = (47.39, 0.69)
    line = [(origin[0] + dy, origin[1] + dx) for dy, dx in vertices]
    assume(all(spherical_distance_to_segment(line[i + 1], line[i], line[i]) > 1
               for i in range(len(line) - 1)))  # fmt: skip
    geometry = {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in line]}
    try:
        road = area(geometry, buffer_m=buffer_m)
    except AreaError:
        assume(False)
    point = (origin[0] + offset[0], origin[1] + offset[1])
    # when the distance on the sphere is clearly inside or outside the width
    distance = min(
        spherical_distance_to_segment(point, line[i], line[i + 1]) for i in range(len(line) - 1)
    )
    assume(abs(distance - buffer_m) > 0.002 * buffer_m + 0.05)
    # then the area contains the point exactly when it lies within the width
    assert area_contains(road, *point) == (distance <= buffer_m)
