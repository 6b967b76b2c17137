"""The public map of reports and the areas' page in a real browser: the map draws the reports
(over a local tile server, or on a plain background), the list says the same, a filter narrows
both, at 375 px too, axe-core finds nothing serious; a manager draws an area by clicking the
map and another by pasting its GeoJSON."""

from __future__ import annotations

import json

import pytest
from browser_checks import audit, screenshot, signed_in_page
from django.contrib.auth import get_user_model
from portal.conftest import SYSTEM, build_world
from test_map_tiles_browser import tile_server, wait_for_tiles  # noqa: F401 - a fixture

from guichet.authorities import actions as authority_actions
from guichet.authorities.models import Role
from guichet.cases import actions as cases
from guichet.cases.models import Request
from guichet.catalogue.models import Service
from guichet.core.journal import Actor
from guichet.people import actions as people
from guichet.territory.models import Area

SECRET_NAME = "Zéphirine Brouillard"


def reports_world():
    world = build_world()
    Service.objects.filter(slug__in=["signalement-voirie", "bac-abime-collecte"]).update(
        public_reports=True
    )
    person = people.create_person(actor=SYSTEM, first_name="Zéphirine", last_name="Brouillard")
    world.reports = []
    for lat, lon in ((48.7775, 2.2905), (48.7790, 2.2950)):
        world.reports.append(
            cases.submit_request(
                service=world.voirie,
                person=person,
                channel="web",
                actor=Actor.person(person),
                commune=world.sceaux,
                address="3 rue Houdan",
                form_data={
                    "nature": "nid_de_poule",
                    "description": SECRET_NAME,
                    "emplacement": {"lat": lat, "lon": lon},
                },
            )  # fmt: skip
        )
    return world


def check_map_page(page, base_url, world, *, tiled: bool) -> None:
    page.goto(base_url + "/signalements/")
    page.wait_for_selector("#carte-signalements[data-loaded='2']")
    # both reports are points on the map and items of the list, with no personal data
    assert page.locator("#carte-signalements path.leaflet-interactive").count() == 2
    assert page.locator("[data-reports] li").count() == 2
    assert SECRET_NAME not in page.content() and "Houdan" not in page.content()
    if tiled:
        assert wait_for_tiles(page, "#carte-signalements")
    else:
        assert page.locator("#carte-signalements img.leaflet-tile").count() == 0
    # a point's popup names the service and links to its public page
    page.locator("#carte-signalements path.leaflet-interactive").first.click()
    popup = page.locator(".leaflet-popup-content")
    assert world.voirie.name in popup.inner_text()
    # Leaflet fades the popup in: audited once opaque, not half-way (its colours then blend)
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
    )
    audit(page)


@pytest.mark.browser
def test_the_public_map_without_tiles_lists_filters_and_fits_a_phone(
    live_server, new_page, transactional_db
):
    world = reports_world()
    page = new_page()
    check_map_page(page, live_server.url, world, tiled=False)
    screenshot(page, "public-reports-map")
    # when the resident keeps only resolved reports (none yet)
    page.select_option("#filtre-statut", "traite")
    page.click("#filtres-signalements button[type=submit]")
    page.wait_for_selector("#carte-signalements[data-loaded='0']")
    assert "Aucun signalement ne correspond" in page.inner_text("main")
    assert "statut=traite" in page.url
    # when they open a report's public page from the list
    page.goto(live_server.url + "/signalements/")
    page.locator("[data-reports] a").first.click()
    page.wait_for_selector("#carte-signalement[data-loaded='1']")
    assert "Signalement reçu" in page.inner_text("[data-steps]")
    audit(page)

    # on a 375 px wide phone, the map and the list are there, nothing wider than the screen
    phone = new_page(viewport={"width": 375, "height": 800})
    phone.goto(live_server.url + "/signalements/")
    phone.wait_for_selector("#carte-signalements[data-loaded='2']")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone.locator("[data-reports] li").first.is_visible()
    audit(phone)
    screenshot(phone, "public-reports-map-375")


@pytest.mark.browser
def test_the_public_map_shows_the_configured_tiles(
    live_server,
    new_page,
    tile_server,  # noqa: F811 - the fixture imported above
    settings,
    transactional_db,
):
    world = reports_world()
    settings.GUICHET_MAP_TILES_URL = tile_server.url + "/{z}/{x}/{y}.png"
    settings.GUICHET_MAP_TILES_ATTRIBUTION = "© Tuiles de test"
    page = new_page()
    check_map_page(page, live_server.url, world, tiled=True)
    assert tile_server.tiles_asked()


SQUARE = {
    "type": "Polygon",
    "coordinates": [[[2.2930, 48.7755], [2.2960, 48.7755], [2.2960, 48.7775], [2.2930, 48.7775],
                     [2.2930, 48.7755]]],
}  # fmt: skip


@pytest.mark.browser
def test_a_manager_draws_an_area_on_the_map_and_pastes_another(
    live_server, new_page, transactional_db
):
    world = build_world()
    manager = get_user_model().objects.create_user("responsable.secteurs", "r@exemple.fr", "x")
    authority_actions.add_agent(actor=SYSTEM, user=manager, authority=world.ville,
                                role=Role.MANAGER)  # fmt: skip
    page = new_page()
    signed_in_page(page, live_server.url, manager)
    page.goto(live_server.url + "/agents/secteurs/")
    page.wait_for_selector("#carte-secteurs.leaflet-container")
    audit(page)

    # when they draw a polygon by clicking four points, then finish
    page.click("button[data-draw='polygon']")
    box = page.locator("#carte-secteurs").bounding_box()
    for dx, dy in ((0.3, 0.3), (0.6, 0.3), (0.6, 0.6), (0.3, 0.6)):
        page.mouse.click(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
    page.click("button[data-draw='finish']")
    drawn = json.loads(page.input_value("#id_geometry"))
    assert drawn["type"] == "Polygon" and len(drawn["coordinates"][0]) == 5
    page.fill("#id_name", "Centre dessiné")
    page.click("#formulaire-secteur button[type=submit]")
    page.wait_for_selector("text=Le secteur « Centre dessiné » est enregistré.")
    area = Area.objects.get(name="Centre dessiné")
    assert area.authority_id == world.ville.pk

    # when they paste a GeoJSON geometry instead (the keyboard's way)
    page.fill("#id_name", "Collé")
    page.select_option("#id_kind", "parc")
    page.fill("#id_geometry", json.dumps(SQUARE))
    page.locator("#id_geometry").dispatch_event("change")
    page.click("#formulaire-secteur button[type=submit]")
    page.wait_for_selector("text=Le secteur « Collé » est enregistré.")
    assert Area.objects.get(name="Collé").kind == "parc"
    assert page.locator("#carte-secteurs path.leaflet-interactive").count() == 2
    assert page.locator("#table-secteurs tbody tr").count() == 2

    # when they paste something wrong, the error is said in French beside the field
    page.fill("#id_name", "Faux")
    page.fill("#id_geometry", '{"type": "Point", "coordinates": [2.29, 48.77]}')
    # (the refused form comes back as 400, which Chromium logs as a console error: the test
    # reads the same page served as 200)
    page.route("**/agents/secteurs/", lambda route: route.fulfill(response=route.fetch(),
               status=200) if route.request.method == "POST" else route.continue_())  # fmt: skip
    page.click("#formulaire-secteur button[type=submit]")
    page.wait_for_load_state("load")
    assert "n'est pas accepté" in page.inner_text("#id_geometry-erreur")
    audit(page)
    screenshot(page, "areas-page")
    assert not Request.objects.exists()  # nothing else was written
