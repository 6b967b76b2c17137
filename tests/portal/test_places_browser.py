"""The address search on the resident's request form, in a real browser.

The pothole form of Sceaux (a location field, then an address field) over the live server,
whose address search is the BAN-format server of tests/territory/ban_server.py: type an
address, choose it with the keyboard, the map centres on the point and the coordinates are
written; click the map, the address field is filled; nothing found, a search that fails and a
point next door are said in French beside the field; the request is filed with both. The page
fixture fails the test on any console error and audits the last state with axe-core.
"""

from __future__ import annotations

import pytest
from browser_checks import audit, screenshot
from territory.ban_server import reverse as nearest_address
from territory.ban_server import running_ban_server

from guichet.cases.models import Request
from portal.conftest import build_world

FORM = "/communes/92071/services/signalement-voirie/demande/"
MAP = "#champ-emplacement-carte"
SEARCH = "#champ-emplacement-carte-recherche"
ADDRESS = "#champ-adresse"
# Where the point's pin (Leaflet's default icon, 25×41, anchored at its bottom middle) points.
PIN_TIP = """(selector) => {
  const map = document.querySelector(selector).getBoundingClientRect();
  const pin = document.querySelector(selector + " .leaflet-marker-icon").getBoundingClientRect();
  return [pin.left + pin.width / 2 - (map.left + map.width / 2),
          pin.bottom - (map.top + map.height / 2)];
}"""


@pytest.fixture
def ban_server(settings):
    """The address search: the BAN-format server of tests/territory/ban_server.py."""
    with running_ban_server(settings) as server:
        yield server


def coordinates(page) -> tuple[float, float]:
    return (
        float(page.input_value("#champ-emplacement-lat")),
        float(page.input_value("#champ-emplacement-lon")),
    )


@pytest.mark.browser
def test_a_resident_finds_the_place_by_its_address_and_by_the_map(
    live_server, page, ban_server, settings, tmp_path, transactional_db
):
    # given Sceaux's pothole form, with the address search answering in the BAN's format
    build_world()
    settings.DATA_DIR = tmp_path
    page.goto(live_server.url + FORM)
    page.wait_for_selector(SEARCH)
    search = page.locator(SEARCH)
    assert search.get_attribute("role") == "combobox"
    assert search.get_attribute("aria-expanded") == "false"

    # when she types an address in the search above the map
    search.fill("12 rue Houdan")
    # then suggestions are listed and their number is said
    page.wait_for_selector(f"{SEARCH}-suggestions [role=option]")
    assert search.get_attribute("aria-expanded") == "true"
    options = page.locator(f"{SEARCH}-suggestions [role=option]")
    assert options.first.inner_text() == "12 Rue Houdan 92330 Sceaux"
    announce = page.locator(f"{SEARCH}-annonce")
    assert announce.inner_text().startswith(f"{options.count()} adresse")
    assert "Flèches haut et bas" in announce.inner_text()
    audit(page)

    # when she chooses the first one with the keyboard
    search.press("ArrowDown")
    assert options.first.get_attribute("aria-selected") == "true"
    assert search.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    search.press("Enter")
    # then the list closes, the point is written and the map is centred on it
    assert search.get_attribute("aria-expanded") == "false"
    page.wait_for_selector(f"{MAP} .leaflet-marker-icon")
    assert coordinates(page) == (48.7781, 2.2899)
    dx, dy = page.evaluate(PIN_TIP, MAP)
    assert abs(dx) <= 2 and abs(dy) <= 2
    assert page.locator("#champ-emplacement-statut").inner_text() == (
        "Point placé : 48,778100, 2,289900."
    )
    # and the empty address field holds the address
    assert page.input_value(ADDRESS) == "12 Rue Houdan 92330 Sceaux"
    assert page.url.endswith(FORM)  # Enter chose; it did not send the form
    screenshot(page, "address-search-chosen")

    # when she clicks elsewhere on the map
    box = page.locator(MAP).bounding_box()
    page.locator(MAP).click(position={"x": box["width"] / 2 + 240, "y": box["height"] / 2 + 100})
    page.wait_for_function(
        "([sel, was]) => document.querySelector(sel).value !== was",
        arg=["#champ-emplacement-lat", "48.778100"],
    )
    lat, lon = coordinates(page)
    expected = nearest_address(lat, lon)[0]["properties"]["label"]
    assert expected != "12 Rue Houdan 92330 Sceaux"
    # then the address field, filled by the search, now holds the address at the new point
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel).value === text", arg=[ADDRESS, expected]
    )
    assert page.locator(f"{SEARCH}-message").inner_text().startswith("Adresse la plus proche")

    # when she writes her own landmark, then clicks the map again
    page.fill(ADDRESS, "devant la boulangerie")
    page.locator(MAP).click(position={"x": box["width"] / 2 - 200, "y": box["height"] / 2})
    page.wait_for_function(
        "([sel, was]) => document.querySelector(sel).value !== was",
        arg=["#champ-emplacement-lon", f"{lon:.6f}"],
    )
    nearest = nearest_address(*coordinates(page))[0]["properties"]["label"]
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel).textContent === text",
        arg=[f"{SEARCH}-message", f"Adresse la plus proche : {nearest}."],
    )
    # then what she wrote is kept
    assert page.input_value(ADDRESS) == "devant la boulangerie"

    # when she searches, in the address field itself, an address nobody knows
    page.fill(ADDRESS, "99 impasse des Licornes")
    message = page.locator(f"{ADDRESS}-message")
    message.wait_for(state="visible")
    # then she is told in French, beside the field, and her text stays
    assert message.inner_text().startswith("Aucune adresse trouvée")
    assert page.input_value(ADDRESS) == "99 impasse des Licornes"
    assert f"{ADDRESS[1:]}-message" in page.get_attribute(ADDRESS, "aria-describedby")

    # when she searches an address in Paris
    page.fill(ADDRESS, "20 avenue de Ségur")
    page.wait_for_selector(f"{ADDRESS}-suggestions [role=option]")
    assert "(hors de la commune)" in page.locator(f"{ADDRESS}-suggestions").inner_text()

    # when the address search fails
    ban_server.mode = "error"
    page.fill(SEARCH, "rue Houdan 92330")
    page.wait_for_selector(f"{SEARCH}-suggestions [role=option]")
    # then the commune is offered and the page says why
    assert page.locator(f"{SEARCH}-suggestions [role=option]").all_inner_texts() == ["92330 Sceaux"]
    assert (
        page.locator(f"{SEARCH}-message")
        .inner_text()
        .startswith("La recherche d'adresses ne répond pas")
    )
    page.keyboard.press("Escape")
    assert search.get_attribute("aria-expanded") == "false"
    ban_server.mode = "ok"
    audit(page)

    # when she puts the point next door, in Bourg-la-Reine, from a chosen address
    search.fill("1 Grande Rue Bourg")
    page.wait_for_selector(f"{SEARCH}-suggestions [role=option]")
    search.press("ArrowDown")
    search.press("Enter")
    # then the page warns her the point is outside Sceaux
    assert (
        page.locator(f"{SEARCH}-message")
        .inner_text()
        .startswith("Cette adresse n'est pas dans la commune")
    )

    # when she chooses an address in Sceaux again and sends her request
    page.fill(ADDRESS, "122 rue Houdan")
    page.wait_for_selector(f"{ADDRESS}-suggestions [role=option]")
    page.locator(ADDRESS).press("ArrowDown")
    page.locator(ADDRESS).press("Enter")
    page.wait_for_function(
        "(sel) => document.querySelector(sel).value === '48.776600'", arg="#champ-emplacement-lat"
    )
    page.click('label[for="champ-nature-1"]')
    page.fill("#id_contact-first_name", "Jeanne")
    page.fill("#id_contact-last_name", "Martin")
    page.fill("#id_contact-email", "jeanne.martin@exemple.fr")
    page.click("text=Envoyer ma demande")
    page.wait_for_url("**/envoyee/")
    # then the request holds the point and the address
    filed = Request.objects.get(reference=page.locator("#reference").inner_text().strip())
    assert (round(filed.latitude, 4), round(filed.longitude, 4)) == (48.7766, 2.2908)
    assert filed.form_data["adresse"] == "122 Rue Houdan 92330 Sceaux"
