"""The geocoding plugins and their chain, against a real local server in the BAN's format.

The `ban` plugin asks tests/territory/ban_server.py over a real socket; when it times out,
answers HTTP 500, HTML or JSON that is not a FeatureCollection, the chain falls back to the
`offline` plugin (the communes and postcodes imported from the shipped subset) and says so.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from guichet.territory import geocoding
from guichet.territory.geocoding import GeocoderUnavailable, geocoders
from guichet.territory.geocoding.contrib.ban import places_in
from guichet.territory.models import Commune
from guichet.territory.selectors import commune_at_point

pytestmark = pytest.mark.django_db


def test_the_ban_plugin_finds_addresses_and_asks_near_the_given_point(ban_server):
    # when the address search is asked for « 12 rue houdan » near Sceaux's centre
    found = geocoding.search("12 rue houdan", limit=3, near=(48.7765, 2.2965))
    # then the BAN-format server answered, the address first, with its parts
    assert found.source == "ban" and not found.fell_back
    first = found.places[0]
    assert first.label == "12 Rue Houdan 92330 Sceaux"
    assert (first.housenumber, first.street, first.postcode, first.city, first.citycode) == (
        "12",
        "Rue Houdan",
        "92330",
        "Sceaux",
        "92071",
    )
    assert first.kind == "housenumber" and 0 < first.score <= 1
    assert (first.lat, first.lon) == (48.7781, 2.2899)
    assert len(found.places) <= 3
    # and the server was asked with the limit and the point
    path, params = ban_server.asked[-1]
    assert path == "/search/"
    assert params == {"q": "12 rue houdan", "limit": "3", "lat": "48.776500", "lon": "2.296500"}


def test_the_ban_plugin_reads_a_street_and_a_municipality(ban_server):
    street = geocoding.search("rue houdan sceaux", limit=10).places
    assert [p.kind for p in street if p.label == "Rue Houdan 92330 Sceaux"] == ["street"]
    assert next(p for p in street if p.kind == "street").street == "Rue Houdan"
    town = geocoding.search("sceaux 92330", limit=10).places
    assert any(p.kind == "municipality" and p.citycode == "92071" for p in town)


def test_an_address_nobody_knows_is_an_empty_answer_not_a_fallback(ban_server):
    found = geocoding.search("99 impasse introuvable zzz")
    assert found.places == [] and not found.fell_back and found.source == "ban"


def test_reverse_gives_the_nearest_address(ban_server):
    found = geocoding.reverse(48.7780, 2.2900)
    assert found.source == "ban" and not found.fell_back
    assert [p.label for p in found.places] == ["12 Rue Houdan 92330 Sceaux"]
    assert ban_server.asked[-1] == ("/reverse/", {"lat": "48.778000", "lon": "2.290000"})


def test_reverse_where_the_ban_knows_no_address_gives_the_commune(ban_server, shipped_territory):
    # a point in the Parc de Sceaux, far from every address the server knows
    found = geocoding.reverse(48.7690, 2.3000)
    assert commune_at_point(2.3000, 48.7690).code == "92071"
    assert not found.fell_back
    assert [(p.kind, p.citycode, p.label) for p in found.places] == [
        ("municipality", "92071", "92330 Sceaux")
    ]


def test_reverse_outside_every_known_commune_is_empty(ban_server, shipped_territory):
    assert geocoding.reverse(0.0, 0.0).places == []  # the Gulf of Guinea


@pytest.mark.parametrize("mode", ["timeout", "error", "garbage", "not-geojson"])
def test_a_failing_address_search_falls_back_to_the_communes(
    ban_server, shipped_territory, settings, mode
):
    # given the address search misbehaving (a 0.3 s timeout: the server waits 5 s)
    ban_server.mode = mode
    settings.GUICHET_GEOCODER_TIMEOUT = 0.3
    started = time.monotonic()
    # when a resident types an address with its postcode
    found = geocoding.search("12 rue Houdan 92330")
    # then the chain answers with the commune, from the offline plugin, and says it fell back
    assert time.monotonic() - started < 3
    assert found.fell_back and found.source == "offline"
    assert [(p.kind, p.citycode, p.postcode) for p in found.places] == [
        ("municipality", "92071", "92330")
    ]
    sceaux = Commune.objects.get(code="92071", kind=Commune.Kind.CURRENT)
    place = found.places[0]
    assert commune_at_point(place.lon, place.lat) == sceaux  # its centre is inside
    assert ban_server.asked_paths() == ["/search/"]
    # and a click on the map falls back to the commune too
    back = geocoding.reverse(48.7775, 2.2905)
    assert back.fell_back and [p.citycode for p in back.places] == ["92071"]


def test_without_a_url_only_the_offline_plugin_answers(settings, shipped_territory):
    settings.GUICHET_GEOCODER_URL = ""
    assert not geocoders["ban"].available()
    found = geocoding.search("sceaux")
    assert found.source == "offline" and not found.fell_back
    assert found.places[0].citycode == "92071"
    # the name is found among the last words of an address without postcode
    named = geocoding.search("12 rue Houdan Sceaux").places
    assert named[0].citycode == "92071" and named[0].label == "92330 Sceaux"
    assert geocoding.search("rue qui n'existe nulle part").places == []


def test_an_unreachable_server_falls_back(settings, shipped_territory):
    settings.GUICHET_GEOCODER_URL = "http://127.0.0.1:9"  # the discard port: nobody listens
    found = geocoding.search("92330")
    assert found.fell_back and [p.citycode for p in found.places] == ["92071"]


def test_a_feature_without_label_or_valid_point_is_skipped():
    good = {"geometry": {"coordinates": [2.29, 48.77]}, "properties": {"label": "Sceaux"}}
    places = places_in({"features": [
        good,
        {"geometry": {"coordinates": [2.29, 95.0]}, "properties": {"label": "Au pôle"}},
        {"geometry": {"coordinates": ["2.29", 48.77]}, "properties": {"label": "Texte"}},
        {"geometry": {"coordinates": [2.29, 48.77]}, "properties": {"label": ""}},
        {"geometry": None, "properties": {"label": "Rien"}},
        "not a feature",
    ]})  # fmt: skip
    assert [p.label for p in places] == ["Sceaux"]
    with pytest.raises(GeocoderUnavailable):
        places_in({"type": "FeatureCollection"})
    with pytest.raises(GeocoderUnavailable):
        places_in([good])


JSON = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
FEATURE = st.fixed_dictionaries({
    "geometry": st.one_of(JSON, st.fixed_dictionaries({"coordinates": st.lists(JSON, max_size=3)})),
    "properties": st.one_of(JSON, st.dictionaries(
        st.sampled_from(["label", "score", "type", "postcode", "citycode", "street"]), JSON
    )),
})  # fmt: skip


@given(st.one_of(JSON, st.fixed_dictionaries({"features": st.lists(FEATURE, max_size=5)})))
@hypothesis_settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_any_answer_is_read_as_places_or_refused_never_a_crash(answer):
    try:
        places = places_in(answer)
    except GeocoderUnavailable:
        return
    for place in places:
        assert place.label and -90 <= place.lat <= 90 and -180 <= place.lon <= 180
        assert 0 <= place.score <= 1
