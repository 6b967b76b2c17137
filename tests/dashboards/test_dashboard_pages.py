"""The managers' dashboards over HTTP: access, scope, filters, charts and CSV downloads."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from .tables import csv_rows, html_tables, same_cells

DASHBOARD = "/agents/tableaux-de-bord/"
MAP = "/agents/tableaux-de-bord/carte/"
PROCESS = "/agents/tableaux-de-bord/processus/"
PAGES = (DASHBOARD, MAP, PROCESS)


def volumes_total(client, url: str = DASHBOARD, **query) -> int:
    response = client.get(url, {**query, "format": "csv", "table": "volumes"})
    return sum(int(row[-1]) for row in csv_rows(response.content)[1:])


@pytest.mark.parametrize("url", PAGES)
def test_a_manager_opens_every_dashboard_page(world, client, url):
    # given the manager of Sceaux
    client.force_login(world.manager)
    # when they open the page
    response = client.get(url)
    # then it loads, with the dashboards' link in the menu marked as the current page
    assert response.status_code == 200
    assert 'aria-current="page">Tableaux de bord</a>' in response.content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_a_front_desk_agent_is_refused_the_dashboards(world, client, url):
    # given a front-desk agent of Sceaux
    client.force_login(world.front)
    # when they open a dashboard page, then it is refused in French, and no menu link shows
    response = client.get(url)
    assert response.status_code == 403
    assert "réservés aux responsables" in response.content.decode()
    assert "Tableaux de bord" not in client.get("/agents/").content.decode()


def test_the_dashboard_draws_accessible_svg_charts_with_their_tables(world, client):
    # given the manager of Sceaux
    client.force_login(world.manager)
    # when they open the dashboard
    page = client.get(DASHBOARD).content.decode()
    # then every section has an SVG chart named for screen readers, and its data table
    charts = re.findall(r'<svg[^>]*role="img"[^>]*>\s*<title id="[^"]+">([^<]+)</title>', page)
    assert "Demandes reçues par semaine, par canal" in charts
    assert "Taux d&#x27;irritants" in charts and len(charts) == 6
    assert page.count("Voir les données") == 6
    # and with no survey answer, satisfaction says so instead of showing zero
    assert "indisponible" in page.split("data-satisfaction", 1)[1][:300]


def test_a_manager_never_sees_another_authoritys_requests(world, client):
    # given Sceaux with three requests and Issy with one
    client.force_login(world.manager)
    # when Sceaux's manager reads the weekly volumes, even asking for Issy in the URL
    mine = volumes_total(client)
    asked_for_issy = volumes_total(client, authority="issy")
    # then only Sceaux's requests are counted, and Issy's are never shown
    assert mine == 3
    assert asked_for_issy == 0
    communes = csv_rows(client.get(MAP, {"format": "csv"}).content)
    assert [row[0] for row in communes[1:]] == ["92071"]
    # and Issy's manager sees exactly Issy's request
    client.force_login(world.issy_manager)
    assert volumes_total(client) == 1


def test_filters_in_the_url_change_the_figures(world, client):
    # given the manager of Sceaux
    client.force_login(world.manager)
    # when they filter by channel, then by period
    by_counter = volumes_total(client, channel="counter")
    first_days = volumes_total(client, du="2024-03-01", au="2024-03-06")
    later = volumes_total(client, du="2024-03-06")
    # then the figures follow the filters
    assert (by_counter, first_days, later) == (1, 2, 1)
    # and the filter form shows what was chosen, so the URL can be shared as it is
    page = client.get(DASHBOARD, {"channel": "counter"}).content.decode()
    assert re.search(r'<option value="counter" selected>', page)


def test_cutting_by_a_segment_lists_its_values(world, client):
    # given the manager of Sceaux
    client.force_login(world.manager)
    # when they cut the figures by channel of filing
    tables = html_tables(client.get(DASHBOARD, {"par": "channel"}).content)
    # then one row per channel, with the number of requests of each
    rows = {row[0]: row[1] for row in tables["segments"][1:]}
    assert rows == {"accueil physique": "1", "portail web": "2"}


@pytest.mark.parametrize("url", PAGES)
def test_every_table_downloads_as_csv_equal_to_the_page(world, client, url):
    # given the manager of Sceaux on a page filtered to March 2024
    client.force_login(world.manager)
    query = {"du": "2024-03-01", "au": "2024-04-01"}
    tables = html_tables(client.get(url, query).content)
    assert len(tables) == {DASHBOARD: 6, MAP: 1, PROCESS: 2}[url]
    for key, rows in tables.items():
        # when they download each table as CSV with the same URL
        response = client.get(url, {**query, "format": "csv", "table": key})
        # then it parses, and carries the same header and cells as the page
        assert response["Content-Type"].startswith("text/csv")
        downloaded = csv_rows(response.content)
        shown = [row for row in rows if row != ["Aucune donnée."]]
        assert same_cells(downloaded) == same_cells(shown), key


def test_the_map_colours_each_commune_of_the_scope(world, client):
    # given the manager of Sceaux
    client.force_login(world.manager)
    # when they open the map by median delay
    page = client.get(MAP, {"mesure": "delai"}).content.decode()
    # then the page carries Sceaux's boundary with its figures and colour, and a legend
    data = json.loads(re.search(r'id="commune-data"[^>]*>(.*?)</script>', page, re.S).group(1))
    (feature,) = data["features"]
    assert feature["properties"]["code"] == "92071" and feature["properties"]["cases"] == 3
    assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert feature["properties"]["colour"].startswith("#")
    assert "vendor/leaflet/leaflet.js" in page and "jusqu&#x27;à" in page


def test_the_process_map_draws_one_arrow_per_edge_of_its_table(world, client):
    # given the manager of Sceaux
    client.force_login(world.manager)
    # when they open the process map with every path
    page = client.get(PROCESS, {"chemins": "100"}).content.decode()
    edges = csv_rows(
        client.get(PROCESS, {"chemins": "100", "format": "csv", "table": "enchainements"}).content
    )
    # then there is one arrow per edge, labelled with its count, its median in its title
    assert page.count('class="pm-edge"') == len(edges) - 1 > 0
    calls = [row for row in edges if row[0] == row[1] == "Relance de l'usager"]
    assert calls and calls[0][2] == "1" and calls[0][4] == "4,0 j"
    assert "1 passage · médiane 4,0 j" in page


def excel_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM French Excel needs for UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def as_excel_writes_it(cell: str) -> str:
    # the standard form's decimal point and ISO date, as the French Excel form writes them
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell):
        year, month, day = cell.split("-")
        return f"{day}/{month}/{year}"
    return cell.replace(".", ",") if re.fullmatch(r"-?\d+\.\d+", cell) else cell


def test_every_dashboard_table_also_downloads_for_french_excel(world, client):
    # given the manager of Sceaux on the figures filtered to March 2024
    client.force_login(world.manager)
    query = {"du": "2024-03-01", "au": "2024-04-01"}
    page = client.get(DASHBOARD, query).content.decode()
    decimals = dates = 0
    for key in html_tables(page.encode()):
        # when they download each table in both forms
        standard = csv_rows(client.get(DASHBOARD, {**query, "format": "csv", "table": key}).content)
        excel = client.get(DASHBOARD, {**query, "format": "csv", "table": key, "variante": "excel"})
        # then the Excel form holds the same cells with a decimal comma and French dates
        assert [[as_excel_writes_it(c) for c in row] for row in standard] == excel_rows(
            excel.content
        ), key
        cells = [c for row in excel_rows(excel.content)[1:] for c in row]
        decimals += sum(bool(re.fullmatch(r"-?\d+,\d+", c)) for c in cells)
        dates += sum(bool(re.fullmatch(r"\d{2}/\d{2}/\d{4}", c)) for c in cells)
    assert decimals and dates


@pytest.mark.parametrize("url", PAGES)
def test_the_csv_links_sit_beside_each_table_not_inside_a_collapsed_block(world, client, url):
    # given the manager of Sceaux
    client.force_login(world.manager)
    page = client.get(url).content.decode()
    # when the collapsed blocks (<details>) are set aside
    visible = re.sub(r"<details.*?</details>", "", page, flags=re.S)
    # then both downloads of every table are still on the page
    for key in html_tables(page.encode()):
        assert f"table={key}&amp;variante=excel" in visible, key
        assert re.search(rf'table={key}" download', visible), key
