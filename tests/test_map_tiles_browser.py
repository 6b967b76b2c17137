"""The maps over a real tile server, in a real browser.

A small HTTP server in a thread serves 256×256 PNG tiles drawn by Pillow (a grid and each
tile's z/x/y), and GUICHET_MAP_TILES_URL points at it. The resident's request form, the agent's
request page and the dashboards' map then show those tiles under the outline: the tile server
was asked, the tile images loaded, the Content-Security-Policy let them through (its origin is
added by the setting alone), no console error, and axe-core finds nothing serious.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from browser_checks import audit, screenshot
from django.contrib.auth import get_user_model
from PIL import Image, ImageDraw
from portal.conftest import SYSTEM, build_world

from guichet.authorities import actions as authority_actions
from guichet.authorities.models import Role
from guichet.backoffice import commune_points
from guichet.cases import actions as cases
from guichet.cases.models import Request
from guichet.core.journal import Actor
from guichet.people import actions as people

PASSWORD = "Tuiles-Carte-2026!"
TILE = re.compile(r"^/(\d+)/(\d+)/(\d+)\.png$")
# Runs before any script of every document: keeps what the policy refused.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " refused " + event.blockedURI);
}, true);
"""
# The tile images of a map that finished loading, as their natural widths.
LOADED_TILES = """(selector) => Array.from(document.querySelectorAll(selector + " img.leaflet-tile"))
  .filter(img => img.complete && img.classList.contains("leaflet-tile-loaded"))
  .map(img => img.naturalWidth)"""


def tile_png(z: int, x: int, y: int) -> bytes:
    """A light tile with a 32 px grid, a darker border and its coordinates."""
    image = Image.new("RGB", (256, 256), (238, 242, 236))
    draw = ImageDraw.Draw(image)
    for step in range(0, 256, 32):
        draw.line([(step, 0), (step, 255)], fill=(210, 216, 206))
        draw.line([(0, step), (255, step)], fill=(210, 216, 206))
    draw.rectangle([(0, 0), (255, 255)], outline=(150, 160, 140))
    draw.text((8, 8), f"{z}/{x}/{y}", fill=(60, 60, 60))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


class TileServer:
    """Serves /{z}/{x}/{y}.png on 127.0.0.1 and keeps the paths it was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                server.asked.append(self.path)
                found = TILE.match(self.path)
                if not found:
                    self.send_error(404)
                    return
                body = tile_png(*(int(part) for part in found.groups()))
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:  # quiet
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def tiles_asked(self) -> list[str]:
        return [path for path in self.asked if TILE.match(path)]


@pytest.fixture
def tile_server() -> Iterator[TileServer]:
    server = TileServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def violations(page) -> list[str]:
    return page.evaluate(
        "() => new Promise(resolve => setTimeout(() => resolve(window.__cspViolations), 0))"
    )


def wait_for_tiles(page, selector: str) -> list[int]:
    """Wait until the map's first tile image has loaded; the widths of those loaded."""
    page.wait_for_selector(f"{selector} img.leaflet-tile-loaded")
    return page.evaluate(LOADED_TILES, selector)


@pytest.mark.browser
def test_the_maps_show_the_tiles_of_the_configured_server(
    live_server, page, new_page, tile_server, settings, tmp_path, transactional_db
):
    # given Sceaux's services and a manager of the town, and the maps' tiles set to a server
    world = build_world()
    settings.DATA_DIR = tmp_path
    settings.GUICHET_MAP_TILES_URL = tile_server.url + "/{z}/{x}/{y}.png"
    settings.GUICHET_MAP_TILES_ATTRIBUTION = "© Tuiles de test"
    manager = get_user_model().objects.create_user("responsable.cartes", "r@exemple.fr", PASSWORD)
    authority_actions.add_agent(
        actor=SYSTEM, user=manager, authority=world.ville, role=Role.MANAGER
    )
    page.context.add_init_script(RECORD_VIOLATIONS)

    # when a resident opens the pothole form, with its location field
    page.goto(live_server.url + "/communes/92071/services/signalement-voirie/demande/")
    # then the map draws the tile server's tiles (loaded, 256 px) with their attribution
    widths = wait_for_tiles(page, ".portal-map")
    assert widths and set(widths) == {256}
    assert tile_server.tiles_asked()
    assert (
        "© Tuiles de test" in page.locator(".portal-map .leaflet-control-attribution").inner_text()
    )
    # and the commune's outline is drawn over them, the coordinates hidden behind the map
    assert page.locator(".portal-map path").count() >= 1
    assert page.locator("#champ-emplacement-lat").is_hidden()

    # when she places the point with the keyboard: on the map, Enter, then an arrow on the point
    page.focus(".portal-map")
    page.keyboard.press("Enter")
    page.wait_for_selector(".portal-map .leaflet-marker-icon")
    lat, lon = (float(page.input_value(f"#champ-emplacement-{k}")) for k in ("lat", "lon"))
    assert 48.76 < lat < 48.79 and 2.27 < lon < 2.31  # Sceaux's centre
    page.keyboard.press("ArrowRight")
    # then the point moved east, and the page says where it is, in French
    assert float(page.input_value("#champ-emplacement-lon")) > lon
    assert page.locator("#champ-emplacement-statut").inner_text().startswith("Point placé : 48,7")
    # and « Saisir les coordonnées » shows the fields holding that point
    page.click("text=Saisir les coordonnées")
    assert page.locator("#champ-emplacement-lat").is_visible()
    assert violations(page) == []
    audit(page)
    screenshot(page, "map-with-tiles")

    # when she sends her request
    page.click('label[for="champ-nature-1"]')
    page.fill("#id_contact-first_name", "Jeanne")
    page.fill("#id_contact-last_name", "Martin")
    page.fill("#id_contact-email", "jeanne.martin@exemple.fr")
    page.click("text=Envoyer ma demande")
    page.wait_for_url("**/envoyee/")
    filed = Request.objects.get(reference=page.locator("#reference").inner_text().strip())
    assert filed.latitude is not None and filed.longitude is not None

    # when the town's manager opens it in the back office
    agent = new_page()
    agent.context.add_init_script(RECORD_VIOLATIONS)
    agent.goto(f"{live_server.url}/agents/demandes/{filed.pk}/")
    agent.fill("#id_username", "responsable.cartes")
    agent.fill("#id_password", PASSWORD)
    agent.click("button:has-text('Se connecter')")
    agent.wait_for_url(f"**/agents/demandes/{filed.pk}/")
    # then the request's map has its tiles, the outline and the point (no script error: the
    # page fixture fails the test on any console error)
    asked_before = len(tile_server.tiles_asked())
    assert set(wait_for_tiles(agent, "#carte")) == {256}
    assert agent.locator("#carte path.leaflet-interactive").count() >= 1
    assert violations(agent) == []
    audit(agent)
    screenshot(agent, "map-with-tiles-agent")

    # when they open the dashboards' map, cut to Sceaux (the only commune of their scope)
    agent.goto(f"{live_server.url}/agents/tableaux-de-bord/carte/")
    # then the request is a point over the tiles, and listed in the points' table
    assert wait_for_tiles(agent, "#commune-map")
    assert len(tile_server.tiles_asked()) > asked_before
    agent.wait_for_selector("#commune-map path.leaflet-interactive")
    assert agent.locator('#commune-map path[fill="#e1000f"]').count() == 1  # open: red
    assert filed.reference in agent.locator('table[data-table="points"]').text_content()
    assert violations(agent) == []
    audit(agent)
    screenshot(agent, "map-with-tiles-dashboard")


def question(world, person, **point):
    request = cases.submit_request(
        service=world.question, person=person, channel="web", actor=Actor.person(person),
        commune=world.sceaux, form_data={
            "sujet": "Horaires", "message": "Quels horaires le samedi ?",
            "reponse_par": "courriel", "courriel": "alice@exemple.fr",
        },
    )  # fmt: skip
    if point:
        Request.objects.filter(pk=request.pk).update(**point)
    return request


@pytest.mark.browser
def test_without_tiles_the_maps_draw_outlines_points_and_grids_with_no_error(
    live_server, page, settings, tmp_path, transactional_db, monkeypatch
):
    # given no tile server (the default), Sceaux's manager, a request placed on the map and
    # one with only its commune
    world = build_world()
    settings.DATA_DIR = tmp_path
    manager = get_user_model().objects.create_user("responsable.plan", "p@exemple.fr", PASSWORD)
    authority_actions.add_agent(
        actor=SYSTEM, user=manager, authority=world.ville, role=Role.MANAGER
    )
    alice = people.create_person(actor=SYSTEM, first_name="Alice", last_name="Martin")
    placed = question(world, alice, latitude=48.7785, longitude=2.2903)
    unplaced = question(world, alice)
    page.goto(f"{live_server.url}/agents/demandes/{placed.pk}/")
    page.fill("#id_username", "responsable.plan")
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Se connecter')")
    page.wait_for_url(f"**/agents/demandes/{placed.pk}/")

    for request, paths in ((placed, 2), (unplaced, 1)):
        # when the manager opens each request's page
        page.goto(f"{live_server.url}/agents/demandes/{request.pk}/")
        # then its map draws the outline (and the point) on a plain background, without any
        # script error (the page fixture fails the test on any console error)
        page.wait_for_selector("#carte path.leaflet-interactive")
        assert page.locator("#carte path.leaflet-interactive").count() == paths
        assert page.locator("#carte img.leaflet-tile").count() == 0
        audit(page)

    # when the dashboards' map holds more located requests than it draws points
    monkeypatch.setattr(commune_points, "POINTS_AT_MOST", 0)
    page.goto(f"{live_server.url}/agents/tableaux-de-bord/carte/")
    # then a grid cell counts them, over the commune's outline, with its table
    page.wait_for_selector("#commune-map path.leaflet-interactive")
    assert page.locator("#commune-map path").count() == 2  # the outline and one cell
    assert page.locator('table[data-table="mailles"] tbody tr').count() == 1
    audit(page)
