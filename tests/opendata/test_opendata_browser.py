"""The open-data page in a real browser: a person reads the list, opens a data set and
downloads its CSV; axe-core finds nothing serious, no console error, and it fits 375 px."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_checks import audit, screenshot

from .published import operator, publish


@pytest.mark.browser
def test_a_person_finds_a_data_set_and_downloads_its_csv(
    live_server, new_page, transactional_db, settings, tmp_path
):
    settings.GUICHET_OPENDATA_DIR = tmp_path
    settings.GUICHET_BASE_URL = live_server.url
    served = publish(operator(), title="Demandes — Syndicat des tests")
    slug = served.dataset.slug
    page = new_page()
    page.goto(live_server.url + "/donnees/")
    assert "Demandes — Syndicat des tests" in page.inner_text("main")
    assert "Dernière mise à jour" in page.inner_text("main")
    audit(page)
    screenshot(page, "opendata-list")
    # the data set's page, then its CSV
    page.click(f"#jeu-{slug} a")
    page.wait_for_url(f"**/donnees/{slug}/")
    assert "Période couverte" in page.inner_text("main")
    audit(page)
    with page.expect_download() as download_info:
        page.get_by_text("au format CSV").first.click()
    download = download_info.value
    assert download.suggested_filename == f"{slug}.csv"
    content = Path(download.path()).read_text(encoding="utf-8")
    assert content.splitlines()[0] == "id,created,status,service_code,commune_insee,h3_cell"
    assert len(content.splitlines()) == served.row_count + 1

    # on a 375 px wide phone: nothing wider than the screen, the downloads reachable
    phone = new_page(viewport={"width": 375, "height": 800})
    phone.goto(live_server.url + "/donnees/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone.get_by_text("au format CSV").first.is_visible()
    audit(phone)
    screenshot(phone, "opendata-list-375")
