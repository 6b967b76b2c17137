"""The process map in a real browser: laid out by dot, sliders, system activities, accessibility."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browser_checks import audit, signed_in_page

from .conftest import build_world

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is missing")
def test_a_manager_simplifies_the_process_map_with_its_sliders(
    live_server, page, transactional_db, settings, tmp_path
):
    # given Sceaux's history and its manager, signed in
    settings.DATA_DIR = tmp_path
    world = build_world()
    signed_in_page(page, live_server.url, world.manager)
    ARTIFACTS.mkdir(exist_ok=True)

    # when they open the process map with every path
    page.goto(f"{live_server.url}/agents/tableaux-de-bord/processus/?chemins=100")
    # then dot's map is drawn: boxes and arrows, left to right, with the sliders beside it
    page.wait_for_selector("svg.process-map")
    nodes = page.locator("svg.process-map g.pm-node")
    assert nodes.count() >= 5
    assert page.locator("svg.process-map path.pm-edge").count() >= 5
    start = page.locator("svg.process-map g.pm-node", has_text="Début").bounding_box()
    end = page.locator("svg.process-map g.pm-node", has_text="Fin").bounding_box()
    assert start and end and start["x"] < end["x"]  # left to right
    assert page.get_by_label("Part des activités affichées").input_value() == "100"
    assert page.locator("#pm-chemins-value").inner_text() == "100 %"
    assert not page.get_by_label("Afficher les activités système (notifications…)").is_checked()
    audit(page)
    page.screenshot(path=str(ARTIFACTS / "process-map.png"), full_page=True)

    # when they drag the activities' slider to its lowest and let go
    slider = page.get_by_label("Part des activités affichées")
    slider.scroll_into_view_if_needed()
    box = slider.bounding_box()
    assert box
    with page.expect_navigation():
        page.mouse.click(box["x"] + 2, box["y"] + box["height"] / 2)
    # then the page comes back with one activity (and the start and end of requests)
    page.wait_for_selector("svg.process-map")
    assert "activites=1" in page.url and "chemins=100" in page.url
    assert page.locator("svg.process-map g.pm-node").count() == 3
    assert page.locator("#pm-activites-value").inner_text() == "1 %"
    audit(page)
