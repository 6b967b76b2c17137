"""Every kind of page passes the Content-Security-Policy in a real browser.

A resident files a request on the form with its map, finds it again and opens the sign-in and
booking pages; the town's manager opens the queue, the request with its map, the dashboards
(charts, commune map, process map, a journey), an agenda, the broadcast, template and
preview pages; an administrator opens the administration and the API docs. A page fails on
any console error (a refused script or style is one: "Refused to apply inline style…"), any
uncaught script error, and any `securitypolicyviolation` event, all listed at the end.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest
from browser_checks import violations
from django.contrib.auth import get_user_model
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from portal.conftest import SYSTEM, build_world

from guichet.appointments.models import AppointmentType, Desk, OpeningHours, Place
from guichet.authorities import actions as authority_actions
from guichet.authorities import service_design
from guichet.authorities.models import Role
from guichet.cases.models import Request
from guichet.catalogue.models import Service
from guichet.territory import actions as territory

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PASSWORD = "Entete-Securite-2026!"

# Runs before any script of every document: records what the policy refused.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  var element = event.target && event.target.outerHTML ? event.target.outerHTML.slice(0, 200) : "";
  window.__cspViolations.push(event.violatedDirective + " refused " + (event.blockedURI || "inline")
    + " at " + event.sourceFile + ":" + event.lineNumber + " «" + (event.sample || "") + "» "
    + element);
}, true);
"""
# Lets every queued violation event run before reading the record (no fixed wait).
VIOLATIONS = (
    """() => new Promise(resolve => setTimeout(() => resolve(window.__cspViolations || []), 0))"""
)


class Watched:
    """A browser page whose console errors, script errors and CSP violations are kept."""

    def __init__(self, context, base_url: str, name: str) -> None:
        context.add_init_script(RECORD_VIOLATIONS)
        self.page = context.new_page()
        self.page.set_default_timeout(15_000)
        self.base_url = base_url
        self.name = name
        self.problems: dict[str, list[str]] = {}
        self.current = ""
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self._note(f"script error: {error}"))

    def _console(self, message) -> None:
        # The browser asks for /favicon.ico on its own where a page names no icon (the admin).
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            where = message.location
            self._note(f"console ({where.get('url')}:{where.get('lineNumber')}): {message.text}")

    def _note(self, text: str) -> None:
        self.problems.setdefault(self.current or self.page.url, []).append(text)

    def open(self, path: str, ready: str | None = None) -> None:
        if self.current:  # what the page left refused after it was read, until it was left
            for violation in self.page.evaluate(VIOLATIONS):
                self._note(f"violation: {violation}")
        self.current = path
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        self.settle(ready)

    def settle(self, ready: str | None = None) -> None:
        """Wait for the page's own sign that its scripts ran, then read its violations."""
        self.page.wait_for_load_state("load")
        if ready:
            try:
                self.page.wait_for_selector(ready, state="attached")
            except PlaywrightTimeout:
                self._note(f"never showed {ready}")
        for violation in self.page.evaluate(VIOLATIONS):
            self._note(f"violation: {violation}")
        for found in violations(self.page):  # axe-core: serious and critical only
            self._note(
                f"axe-core [{found['impact']}] {found['id']}: {found['help']} {found['nodes']}"
            )
        ARTIFACTS.mkdir(exist_ok=True)
        slug = self.current.strip("/").replace("/", "-").replace("?", "-") or "accueil"
        # caret="initial": Playwright's caret hiding writes style="" attributes into the page,
        # which the DSFR's script may then copy through innerHTML, and the policy refuses
        shot = ARTIFACTS / f"csp-{self.name}-{slug[:60]}.png"
        self.page.screenshot(path=str(shot), caret="initial")

    def sign_in(self, path: str, username: str) -> None:
        self.open(path)
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("form:has(#id_password) [type=submit]")
        self.page.wait_for_load_state("load")


def _town_with_agents_and_an_agenda():
    world = build_world()
    users = get_user_model().objects
    world.manager = users.create_user("responsable.sceaux", "resp@exemple.fr", PASSWORD)
    authority_actions.add_agent(
        actor=SYSTEM, user=world.manager, authority=world.ville, role=Role.MANAGER
    )
    # a manager of two authorities: their pages offer a choice of authority (submit on change)
    authority_actions.add_agent(
        actor=SYSTEM, user=world.manager, authority=world.vallee_sud, role=Role.MANAGER
    )
    world.admin = users.create_superuser("administrateur", "admin@exemple.fr", PASSWORD)
    world.place = Place.objects.create(
        authority=world.ville, name="Mairie de Sceaux", commune=world.sceaux
    )
    Desk.objects.create(place=world.place, name="Guichet 1")
    for weekday in range(6):
        OpeningHours.objects.create(place=world.place, weekday=weekday, start=time(9), end=time(12))
    world.urbanisme = AppointmentType.objects.create(
        place=world.place, name="Urbanisme", slug="urbanisme", duration_minutes=30
    )
    return world


@pytest.mark.browser
def test_every_kind_of_page_runs_under_the_content_security_policy(
    live_server, chromium_browser, transactional_db, settings
):
    # the refused code's first characters are given to the violation events, to name it
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
        **directives,
        "script-src": [*directives["script-src"], "'report-sample'"],
        "style-src": [*directives["style-src"], "'report-sample'"],
    }}  # fmt: skip
    world = _town_with_agents_and_an_agenda()
    world.voirie.public_reports = True  # the public map of reports (issue 16)
    world.voirie.save(update_fields=["public_reports"])
    area = territory.create_area(
        authority_id=world.ville.pk, name="Centre", kind="quartier", actor=SYSTEM,
        geometry={"type": "LineString", "coordinates": [[2.2870, 48.7770], [2.2965, 48.7772]]},
    )  # fmt: skip
    world.voirie.nearby_radius_m = 50  # « Déjà signalé » on the form (issue 16)
    world.voirie.save(update_fields=["nearby_radius_m"])
    base = live_server.url
    contexts = []

    def watched(name: str) -> Watched:
        context = chromium_browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
        contexts.append(context)
        return Watched(context, base, name)

    # A resident: the portal, the form with its map, the receipt, tracking, sign-in, booking.
    resident = watched("usager")
    resident.open("/")
    resident.open("/services/")
    resident.open("/demande-libre/")  # « Je ne sais pas quel service choisir » (ADR 0028)
    resident.open(
        "/communes/92071/services/signalement-voirie/demande/",
        ready=".portal-map path.leaflet-interactive",
    )
    page = resident.page
    page.click('label[for="champ-nature-1"]')
    page.locator(".portal-map").click()
    page.wait_for_selector(".portal-map .leaflet-marker-icon")
    page.fill("#champ-adresse", "devant le 12 rue Houdan")
    page.fill("#id_contact-first_name", "Jeanne")
    page.fill("#id_contact-last_name", "Martin")
    page.fill("#id_contact-email", "jeanne.martin@exemple.fr")
    resident.current = "/…/demande/ (envoi)"
    page.click("text=Envoyer ma demande")
    page.wait_for_url("**/envoyee/")
    resident.settle()
    reference = page.locator("#reference").inner_text().strip()
    filed = Request.objects.get(reference=reference)
    resident.open("/suivi/")
    page.fill("#id_reference", reference)
    page.fill("#id_factor", "jeanne.martin@exemple.fr")
    resident.current = "/suivi/<référence>"
    page.click("#contenu [type=submit]")
    page.wait_for_url(f"**/suivi/{reference}")
    resident.settle("#statut")
    resident.open("/signalements/", ready="#carte-signalements[data-loaded='1']")
    resident.open(f"/signalements/{reference}/", ready="#carte-signalement[data-loaded='1']")
    # A neighbour places a point where Jeanne's report is, sees it and follows it (issue 16).
    neighbour = watched("voisin")
    neighbour.open(
        "/communes/92071/services/signalement-voirie/demande/",
        ready=".portal-map path.leaflet-interactive",
    )
    neighbour.page.locator(".portal-map").click()
    neighbour.settle(f'#signalements-proches [data-reference="{reference}"]')
    neighbour.open(f"/signalements/{reference}/suivre/")
    neighbour.page.fill("#id_contact-email", "paul.durand@exemple.fr")
    neighbour.current = "/signalements/<référence>/suivre/ (envoi)"
    neighbour.page.click("button:has-text('Suivre ce signalement')")
    neighbour.page.wait_for_url("**/suivre/merci/")
    neighbour.settle()
    resident.open("/connexion/")
    resident.open("/rendez-vous/")
    resident.open(f"/rendez-vous/lieu/{world.place.pk}/urbanisme/")

    # The town's manager: the back office, its maps and charts, agendas, broadcasts.
    agent = watched("agent")
    agent.sign_in("/agents/connexion/", world.manager.username)
    for path, ready in [
        ("/agents/", None),
        (f"/agents/demandes/{filed.pk}/", "#carte path.leaflet-interactive"),
        ("/agents/nouvelle-demande/", None),
        ("/agents/tableaux-de-bord/", "figure svg[role=img]"),
        ("/agents/tableaux-de-bord/carte/", "#commune-map path.leaflet-interactive"),
        ("/agents/tableaux-de-bord/processus/", "svg.process-map"),
        (f"/agents/parcours/?reference={reference}", "[data-journey]"),
        (f"/agents/usagers/{filed.person_id}/", None),
        (f"/agents/usagers/{filed.person_id}/rectifier/", None),
        (f"/agents/usagers/{filed.person_id}/effacer/", None),
        ("/agents/registre-des-traitements/", None),
        (f"/agents/secteurs/?collectivite={world.ville.pk}", "#carte-secteurs path"),
        (f"/agents/secteurs/{area.pk}/", "#carte-secteurs path.leaflet-interactive"),
        ("/agents/agendas/", None),
        (f"/agents/agendas/{world.place.pk}/", None),
        ("/notifications/diffusion/", "#broadcast-form"),
        ("/notifications/modeles/", None),
        ("/notifications/apercu/ville-de-sceaux/receipt/", "iframe"),
        ("/satisfaction/scores/", None),
    ]:
        agent.open(path, ready)
        if path.startswith("/notifications/apercu/"):
            # the e-mail, framed from its own address under its own policy, shows styled
            body = agent.page.frame_locator("iframe").locator("body")
            if "Camille Exemple" not in body.inner_text():
                agent.problems.setdefault(path, []).append("the e-mail preview stayed empty")
        if path == "/notifications/modeles/":
            # choosing another authority sends the form (guichet.js, no onchange attribute)
            with agent.page.expect_navigation():
                agent.page.select_option("#collectivite", "vallee-sud")
            assert "collectivite=vallee-sud" in agent.page.url
            agent.settle()
        if path == "/notifications/diffusion/":
            # htmx fetches the audience panel: its swap runs under the policy too
            with agent.page.expect_response("**/diffusion/audience/**"):
                agent.page.fill("#id_message", "Travaux rue Houdan lundi.")
                agent.page.locator("#id_message").dispatch_event("change")
            agent.settle()

    # An administrator: the administration and the API docs (Swagger UI served locally).
    admin = watched("admin")
    admin.sign_in("/admin/login/", world.admin.username)
    for path, ready in [
        ("/admin/", None),
        ("/admin/authorities/authority/", None),
        (f"/admin/authorities/authority/{world.ville.pk}/change/", None),
        ("/admin/authorities/authority/competence-map/?commune=92071", "#competence-map"),
        ("/api/v1/docs", ".swagger-ui .opblock-summary-control"),  # drawn, past "loading"
    ]:
        admin.open(path, ready)
    # The service designer (issue 15): a service of the town, its builder with the framed
    # preview (SortableJS), its workflow's diagram, versions, diff and test request.
    designed = service_design.create_service(
        authority=world.ville, by=SYSTEM, content={"name": "Terrasses d'été"},
        model=Service.objects.get(slug="occupation-domaine-public"),
    ).service  # fmt: skip
    base = f"/agents/concepteur/{designed.pk}"
    for path, ready in [
        ("/agents/concepteur/", None),
        ("/agents/concepteur/nouveau/", None),
        ("/agents/concepteur/importer/", None),
        (f"{base}/", None),
        (f"{base}/formulaire/?champ=demandeur", "#champ-edite"),
        (f"{base}/apercu/", "#formulaire-demande"),
        (f"{base}/circuit/", "figure svg[role=img]"),
        (f"{base}/versions/", None),
        (f"{base}/versions/differences/", None),
        (f"{base}/versions/demande-de-test/", "#formulaire-demande"),
    ]:
        admin.open(path, ready)

    problems = {
        f"{who.name} {where}": found
        for who in (resident, neighbour, agent, admin)
        for where, found in who.problems.items()
    }
    for context in contexts:
        context.close()
    report = "\n".join(f"{where}: {text}" for where, found in problems.items() for text in found)
    assert not problems, "pages that broke under the policy:\n" + report
