"""The maps' background tiles over HTTP: one setting gives the maps their tile layer and the
Content-Security-Policy its origin; without it, outline-only maps and the policy unchanged."""

from __future__ import annotations

import html
import re

import pytest
from portal.conftest import build_world
from support import built_for_the_module

IGN = (
    "https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&TILEMATRIXSET=PM&FORMAT=image/png"
    "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}"
)
FORM = "/communes/92071/services/signalement-voirie/demande/"


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, build_world) as world:
        yield world


@pytest.fixture
def world(_module_world, db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return _module_world


def img_src(response) -> list[str]:
    header = response.headers["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}
    return directives["img-src"]


def map_element(response) -> str:
    return re.search(r'<div class="portal-map"[^>]*>', response.content.decode()).group(0)


def test_without_a_tile_server_the_map_is_the_outline_and_the_policy_unchanged(world, client):
    # given no tile server set (the default)
    # when a resident opens a form with a location field
    response = client.get(FORM)
    # then the map carries no tile layer, and images come from the site only
    assert response.status_code == 200
    assert "data-tiles" not in map_element(response)
    assert img_src(response) == ["'self'", "data:"]
    # and the contour the map draws is on the page
    assert 'id="contour-commune"' in response.content.decode()


def test_the_ign_plan_set_as_tile_server_reaches_the_map_and_the_policy(world, client, settings):
    # given the operator sets IGN's "Plan IGN" as the maps' background
    settings.GUICHET_MAP_TILES_URL = IGN
    settings.GUICHET_MAP_TILES_ATTRIBUTION = "© IGN – Plan IGN"
    # when a resident opens a form with a location field
    response = client.get(FORM)
    # then the map element names the tile URL and its attribution, as written
    element = map_element(response)
    tiles = html.unescape(re.search(r'data-tiles="([^"]*)"', element).group(1))
    attribution = html.unescape(re.search(r'data-tiles-attribution="([^"]*)"', element).group(1))
    assert (tiles, attribution) == (IGN, "© IGN – Plan IGN")
    # and the policy lets the images of that origin (only) through, on every page
    assert img_src(response) == ["'self'", "data:", "https://data.geopf.fr"]
    assert img_src(client.get("/")) == ["'self'", "data:", "https://data.geopf.fr"]


def test_the_extra_image_origins_and_the_tile_server_add_up(world, client, settings):
    # given an operator who already lists an image origin, then sets OpenStreetMap's tiles
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    extra = {**directives, "img-src": [*directives["img-src"], "https://images.exemple.fr"]}
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": extra}
    settings.GUICHET_MAP_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    # then both are allowed
    assert img_src(client.get(FORM)) == [
        "'self'", "data:", "https://images.exemple.fr", "https://tile.openstreetmap.org",
    ]  # fmt: skip


@pytest.mark.parametrize("url", ["tiles/{z}/{x}/{y}.png", "javascript:alert(1)//{z}", "   "])
def test_a_tile_url_that_is_no_web_address_gives_no_background(world, client, settings, url):
    # given a tile "URL" that is not an http(s) address
    settings.GUICHET_MAP_TILES_URL = url
    # then the maps stay outline-only and the policy unchanged
    response = client.get(FORM)
    assert "data-tiles" not in map_element(response)
    assert img_src(response) == ["'self'", "data:"]


def test_the_coordinates_wait_behind_the_map_with_french_labels(world, client):
    # when a resident opens a form with a location field
    page = client.get(FORM).content.decode()
    # then the latitude and longitude are in a closed « Saisir les coordonnées » disclosure
    disclosure = re.search(r"<details class=\"portal-coordinates\"(.*?)</details>", page, re.S)
    assert disclosure and not disclosure.group(1).startswith(" open")
    assert "<summary" in disclosure.group(0) and "Saisir les coordonnées" in disclosure.group(0)
    assert 'name="emplacement_lat"' in disclosure.group(0)
    assert 'name="emplacement_lon"' in disclosure.group(0)
    # and the map says how to place the point with the keyboard, and which point is placed
    assert "Au clavier" in page and "Entrée place le point" in page
    assert "Aucun point placé." in page


def test_a_form_sent_back_with_a_wrong_point_opens_the_coordinates(world, client):
    # when a resident sends coordinates outside any map
    response = client.post(FORM, {"nature": "nid_de_poule", "emplacement_lat": "123",
                                  "emplacement_lon": "abc"})  # fmt: skip
    # then the form comes back with the coordinates shown, to be corrected
    page = response.content.decode()
    assert re.search(r'<details class="portal-coordinates" open>', page)
    assert 'value="123"' in page
