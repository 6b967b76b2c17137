"""The address search's JSON endpoints: suggestions, the address at a point, hostile input.

The address search is the BAN-format server of tests/territory/ban_server.py (a real socket);
the territory and Sceaux's authorities are the shipped ones (portal/conftest.py).
"""

from __future__ import annotations

import logging

import pytest
from territory.ban_server import running_ban_server

from guichet.core.accesslog import mask_url
from guichet.portal.views import places

SEARCH = "/adresses/recherche/"
POINT = "/adresses/point/"


@pytest.fixture
def ban_server(settings):
    """The address search: the BAN-format server of tests/territory/ban_server.py."""
    with running_ban_server(settings) as server:
        yield server


def test_suggestions_come_from_the_address_search_with_their_point(client, world, ban_server):
    response = client.get(SEARCH, {"q": "12 rue Houdan", "commune": "92071"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "no-store" in response["Cache-Control"]
    data = response.json()
    assert data["fallback"] is False
    first = data["places"][0]
    assert first["label"] == "12 Rue Houdan 92330 Sceaux"
    assert (first["lat"], first["lon"], first["citycode"]) == (48.7781, 2.2899, "92071")
    assert first["outside"] is False
    assert data["message"].endswith("proposées.") or data["message"].endswith("proposée.")
    # the search was made near the commune's centre
    _path, asked = ban_server.asked[-1]
    assert 48.76 < float(asked["lat"]) < 48.79 and 2.27 < float(asked["lon"]) < 2.32


def test_an_address_outside_the_commune_is_marked(client, world, ban_server):
    data = client.get(SEARCH, {"q": "avenue de segur", "commune": "92071"}).json()
    assert [(p["citycode"], p["outside"]) for p in data["places"]] == [("75107", True)]
    # without a commune nothing is outside
    data = client.get(SEARCH, {"q": "avenue de segur"}).json()
    assert [p["outside"] for p in data["places"]] == [False]


def test_nothing_found_and_too_short_are_said_in_french(client, world, ban_server):
    nothing = client.get(SEARCH, {"q": "impasse inexistante zzz"}).json()
    assert nothing["places"] == [] and nothing["message"].startswith("Aucune adresse trouvée")
    short = client.get(SEARCH, {"q": "ru"}).json()
    assert short == {"places": [], "fallback": False,
                     "message": "Saisissez au moins 3 caractères."}  # fmt: skip
    assert ban_server.asked_paths() == ["/search/"]  # the short one never left


@pytest.mark.parametrize("mode", ["timeout", "error", "garbage"])
def test_when_the_address_search_fails_the_communes_are_offered(client, world, ban_server, mode):
    ban_server.mode = mode
    data = client.get(SEARCH, {"q": "rue Houdan 92330", "commune": "92071"}).json()
    assert data["fallback"] is True
    assert [(p["kind"], p["citycode"]) for p in data["places"]] == [("municipality", "92071")]
    assert data["message"].startswith("La recherche d'adresses ne répond pas")
    point = client.get(POINT, {"lat": "48.7775", "lon": "2.2905", "commune": "92071"}).json()
    assert point["fallback"] is True and point["place"]["citycode"] == "92071"
    assert "seule la commune" in point["message"]


def test_the_address_at_a_point_and_whether_it_is_in_the_commune(client, world, ban_server):
    inside = client.get(POINT, {"lat": "48.7780", "lon": "2.2900", "commune": "92071"}).json()
    assert inside == {
        "place": inside["place"], "outside": False, "fallback": False, "message": "",
    }  # fmt: skip
    assert inside["place"]["label"] == "12 Rue Houdan 92330 Sceaux"
    # a French decimal comma is read too
    comma = client.get(POINT, {"lat": "48,7780", "lon": "2,2900"}).json()
    assert comma["place"]["label"] == "12 Rue Houdan 92330 Sceaux"
    # in Bourg-la-Reine, next door
    next_door = client.get(POINT, {"lat": "48.7800", "lon": "2.3160", "commune": "92071"}).json()
    assert next_door["outside"] is True
    assert next_door["message"].startswith("Ce point est situé à Bourg-la-Reine, pas à Sceaux")
    # in Paris, outside the communes the platform knows
    paris = client.get(POINT, {"lat": "48.8506", "lon": "2.3093", "commune": "92071"}).json()
    assert paris["outside"] is True and "hors des communes desservies" in paris["message"]
    # in the ocean: no address, no commune
    sea = client.get(POINT, {"lat": "0", "lon": "0"}).json()
    assert sea["place"] is None and sea["message"].startswith("Aucune adresse connue")


HOSTILE_SEARCHES = [
    ({"q": "rue\x00Houdan"}, "caractère interdit (le caractère nul U+0000)"),
    ({"q": "x" * 201}, "trop longue"),
    ({"q": "rue Houdan", "limite": "abc"}, "entier entre 1 et 10"),
    ({"q": "rue Houdan", "limite": "0"}, "entier entre 1 et 10"),
    ({"q": "rue Houdan", "limite": "99999999999999999999"}, "entier entre 1 et 10"),
    ({"q": "rue Houdan", "lat": "48.7"}, "la latitude et la longitude"),
    ({"q": "rue Houdan", "lat": "nan", "lon": "2.3"}, "doit être un nombre"),
    ({"q": "rue Houdan", "commune": "99999"}, "commune est inconnue"),
    ({"q": "rue Houdan", "commune": "<script>"}, "commune est inconnue"),
]
HOSTILE_POINTS = [
    ({}, "la latitude et la longitude"),
    ({"lat": "48.7"}, "la latitude et la longitude"),
    ({"lat": "abc", "lon": "2.3"}, "latitude doit être un nombre"),
    ({"lat": "48.7", "lon": "inf"}, "longitude doit être un nombre"),
    ({"lat": "91", "lon": "2.3"}, "comprise entre -90 et 90"),
    ({"lat": "48.7", "lon": "-180.5"}, "comprise entre -180 et 180"),
    ({"lat": "1e400", "lon": "2"}, "doit être un nombre"),
    ({"lat": "4" * 40, "lon": "2"}, "doit être un nombre"),
    ({"lat": "48.7\x00", "lon": "2"}, "caractère interdit"),
]


@pytest.mark.parametrize(("params", "said"), HOSTILE_SEARCHES + [(p, s) for p, s in HOSTILE_POINTS])
def test_hostile_input_is_a_400_with_a_french_message(client, world, ban_server, params, said):
    url = SEARCH if "q" in params else POINT
    response = client.get(url, params)
    assert response.status_code == 400
    assert said in response.json()["error"]
    assert ban_server.asked == []  # nothing hostile reaches the address search


def test_invalid_utf8_and_other_methods_are_refused(client, world, ban_server):
    response = client.get(SEARCH + "?q=rue%FF%FEHoudan")
    assert response.status_code == 400
    assert "octets qui ne" in response.json()["error"]
    assert client.post(SEARCH, {"q": "rue Houdan"}).status_code == 405


def test_beyond_the_rate_limit_a_429_in_french(client, world, ban_server, one_rate_window):
    for _ in range(places.POINTS_PER_MINUTE):
        assert client.get(POINT, {"lat": "48.7780", "lon": "2.2900"}).status_code == 200
    refused = client.get(POINT, {"lat": "48.7780", "lon": "2.2900"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["error"].startswith("Trop de recherches d'adresses")
    # the search has its own allowance
    assert client.get(SEARCH, {"q": "rue Houdan"}).status_code == 200


def test_what_is_typed_stays_out_of_the_logs(client, world, ban_server, caplog):
    ban_server.mode = "error"
    with caplog.at_level(logging.DEBUG):
        client.get(SEARCH, {"q": "12 rue Houdan Sceaux"})
    assert caplog.records  # the failure is logged…
    assert not any("Houdan" in record.getMessage() for record in caplog.records)  # …not the text
    assert mask_url("/adresses/recherche/?q=12+rue+Houdan") == "/adresses/recherche/?***"
    assert mask_url("/adresses/point/?lat=48.77&lon=2.29") == "/adresses/point/?***"
    assert mask_url("/suivi/?q=x") == "/suivi/?q=x"
