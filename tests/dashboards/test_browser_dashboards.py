"""The dashboards in a real browser: charts, the Leaflet map and the process map render."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_checks import signed_in_page

from .conftest import build_world

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.browser
def test_a_manager_sees_the_charts_the_map_and_the_process_map(
    live_server, page, transactional_db, settings, tmp_path
):
    # given Sceaux's history and its manager, signed in
    settings.DATA_DIR = tmp_path
    world = build_world()
    signed_in_page(page, live_server.url, world.manager)
    ARTIFACTS.mkdir(exist_ok=True)

    # when they open the dashboard
    page.goto(f"{live_server.url}/agents/tableaux-de-bord/")
    # then the six charts are drawn
    assert page.locator("h1").inner_text() == "Tableau de bord"
    assert page.locator("figure svg[role=img]").count() == 6
    assert page.locator("figure svg .rect, figure svg rect.rect").count() > 0
    page.screenshot(
        path=str(ARTIFACTS / "dashboards-1-figures.png"), full_page=True, caret="initial"
    )

    # when they open the map, then Leaflet draws Sceaux's outline, and its popup opens
    page.click("a.fr-tag:has-text('Carte par commune')")
    page.wait_for_selector("#commune-map path.leaflet-interactive")
    assert page.locator("#commune-map path.leaflet-interactive").count() == 1
    page.locator("#commune-map path.leaflet-interactive").first.click(force=True)
    page.wait_for_selector(".leaflet-popup-content:has-text('Sceaux')")
    page.screenshot(path=str(ARTIFACTS / "dashboards-2-map.png"), full_page=True, caret="initial")

    # when they open the process map, then the graph has its boxes and arrows
    page.click("a.fr-tag:has-text('Carte du processus')")
    page.wait_for_selector("svg.process-map")
    assert page.locator("svg.process-map g.pm-node").count() >= 5
    assert page.locator("svg.process-map path.pm-edge").count() >= 5
    page.screenshot(
        path=str(ARTIFACTS / "dashboards-3-process.png"), full_page=True, caret="initial"
    )
