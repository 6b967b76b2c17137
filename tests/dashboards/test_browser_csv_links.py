"""In a browser: each chart's CSV links are in sight, and the Excel one opens in French Excel."""

from __future__ import annotations

import csv
import io

import pytest
from browser_checks import audit, signed_in_page

from .conftest import build_world


@pytest.mark.browser
def test_each_chart_shows_its_two_csv_links_and_the_excel_one_downloads(
    live_server, page, transactional_db, settings, tmp_path
):
    # given Sceaux's history and its manager, signed in, on the dashboard
    settings.DATA_DIR = tmp_path
    world = build_world()
    signed_in_page(page, live_server.url, world.manager)
    page.goto(f"{live_server.url}/agents/tableaux-de-bord/")
    audit(page)
    # then under every chart both downloads are visible, without opening the data block
    sections = page.locator("section:has(figure.dashboard-chart)")
    assert sections.count() == 6
    for index in range(sections.count()):
        section = sections.nth(index)
        assert section.locator("details[open]").count() == 0
        assert section.get_by_role("link", name="pour Excel").is_visible()
        assert section.get_by_role("link", name="en CSV standard").is_visible()
    # when they download the first table for Excel
    with page.expect_download() as download:
        sections.first.get_by_role("link", name="pour Excel").click()
    content = download.value.path().read_bytes()
    # then the file has the BOM, semicolons, and its name says which form it is
    assert download.value.suggested_filename.endswith("-excel.csv")
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows[0]) > 1
