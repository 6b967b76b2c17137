"""The dashboards' map cut to one commune: its requests where they were placed, as points, or
as a grid of counts when there are many, each with its data table and CSV."""

from __future__ import annotations

import json
import re

import pytest
from support import built_for_the_module

from guichet.backoffice import commune_points

from .conftest import at, build_world, file_question
from .tables import csv_rows, html_tables, same_cells

MAP = "/agents/tableaux-de-bord/carte/"
# Four points placed in Sceaux (around the town hall and the Parc de Sceaux).
POINTS = [(48.7785, 2.2903), (48.7790, 2.2910), (48.7712, 2.2990), (48.7720, 2.3001)]


def build_located_world():
    w = build_world()
    w.located = []
    for day, (lat, lon) in enumerate(POINTS, start=3):
        with at(day):
            w.located.append(file_question(w, w.alice, w.sceaux_commune, day))
        w.located[-1].latitude, w.located[-1].longitude = lat, lon
        w.located[-1].save(update_fields=["latitude", "longitude"])
    return w


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, build_located_world) as world:
        yield world


def data_of(page: str, element_id: str) -> dict | None:
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</script>', page, re.S)
    return json.loads(found.group(1)) if found else None


def test_one_communes_requests_show_as_points_with_their_table(world, client):
    # given Sceaux's manager, whose scope is Sceaux's seven requests, four of them located
    client.force_login(world.manager)
    # when they open the map
    response = client.get(MAP)
    page = response.content.decode()
    # then each located request is a point where it was placed, open or closed
    points = data_of(page, "commune-points")
    assert sorted(tuple(f["geometry"]["coordinates"]) for f in points["features"]) == sorted(
        (lon, lat) for lat, lon in POINTS
    )
    assert {f["properties"]["reference"] for f in points["features"]} == {
        r.reference for r in world.located
    }
    assert all(f["properties"]["open"] for f in points["features"])
    # and the page says how many of the commune's requests are located, in French
    assert "4 sur 7 demandes à Sceaux ont un point placé" in " ".join(page.split())
    # and the points have their data table beside the communes' one
    tables = html_tables(response.content)
    assert set(tables) == {"points", "communes"}
    assert sorted(row[0] for row in tables["points"][1:]) == sorted(
        r.reference for r in world.located
    )
    # and the commune's outline is still there, its figures in its table
    (commune,) = data_of(page, "commune-data")["features"]
    assert commune["properties"]["cases"] == 7


def test_many_requests_are_counted_on_a_grid(world, client, monkeypatch):
    # given a commune with more located requests than points drawn
    monkeypatch.setattr(commune_points, "POINTS_AT_MOST", 2)
    client.force_login(world.manager)
    # when its manager opens the map
    response = client.get(MAP)
    page = response.content.decode()
    # then square cells count them, every located request in one cell
    cells = data_of(page, "commune-points")["features"]
    assert sum(cell["properties"]["count"] for cell in cells) == 4
    assert all(cell["geometry"]["type"] == "Polygon" for cell in cells)
    assert all(cell["properties"]["colour"].startswith("#") for cell in cells)
    # and the legend and the table say so
    assert "comptées par maille" in page
    # (its first class reads in good French whatever its bound: « jusqu'à 1 demande »)
    assert re.search(r"jusqu’à|jusqu&#x27;à|jusqu'à", page)
    assert not re.search(r"\b1 demandes\b", page)
    rows = html_tables(response.content)["mailles"]
    assert sum(int(row[-1]) for row in rows[1:]) == 4


@pytest.mark.parametrize("key", ["points", "communes"])
def test_the_located_requests_table_downloads_as_csv(world, client, key):
    # given Sceaux's manager on the map
    client.force_login(world.manager)
    shown = html_tables(client.get(MAP).content)[key]
    # when they download a table, then it carries the page's cells
    downloaded = csv_rows(client.get(MAP, {"format": "csv", "table": key}).content)
    assert same_cells(downloaded) == same_cells(shown)


def test_a_commune_without_located_requests_keeps_its_colour_and_no_one_elses_points(world, client):
    # given Issy's manager: one commune, whose one request has no point
    client.force_login(world.issy_manager)
    page = client.get(MAP).content.decode()
    # then the map colours the commune, with no points layer
    assert data_of(page, "commune-points") is None
    assert len(data_of(page, "commune-data")["features"]) == 1
    # and Sceaux's points never reach Issy's manager
    assert not any(r.reference in page for r in world.located)
