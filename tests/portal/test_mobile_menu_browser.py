"""At a phone's width (375 px) the header's links live behind the DSFR's « Menu » button.

The resident reaches « Mes demandes » and « Espace agents » through it, the agent their own
menu (only the entries their role opens) and « Se déconnecter »; a commune's page wears its
logo and accent. Every page fails on a console error (the DSFR's header script once threw
« Cannot read properties of null (reading 'innerHTML') ») and on axe-core's serious or
critical violations, the menu open.
"""

from __future__ import annotations

import pytest
from browser_checks import REPO_ROOT, audit

from guichet.authorities import actions as authority_actions
from guichet.authorities.models import Role

from .conftest import SYSTEM, build_world

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
PASSWORD = "Menu-Mobile-2026!"


def keep(page, name: str) -> None:
    """The phone's screen as it stands (the menu is a dialog over the page, not the page)."""
    path = REPO_ROOT / "test-artifacts" / f"{name}.png"
    path.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(path), caret="initial")


def open_menu(page) -> None:
    """Press the header's « Menu » button and wait for its dialog to show."""
    button = page.locator("#bouton-menu")
    assert button.is_visible()
    button.click()
    page.wait_for_selector("#menu-principal.fr-modal--opened")
    assert button.get_attribute("data-fr-opened") == "true"


@pytest.mark.browser
def test_a_resident_on_a_phone_reaches_her_requests_and_the_agents_space_through_the_menu(
    live_server, new_page, transactional_db
):
    # given the portal, on a phone
    build_world()
    page = new_page(**PHONE)
    page.goto(live_server.url + "/")
    # then the header's links are folded away, behind the « Menu » button
    assert not page.locator(".fr-header__tools-links >> text=Mes demandes").is_visible()
    # when she opens the menu
    open_menu(page)
    menu = page.locator("#menu-principal")
    # then it offers her requests, tracking, the agents' space and the portal's navigation
    for label in ("Mes demandes", "Suivre une demande", "Espace agents", "Tous les services"):
        assert menu.get_by_role("link", name=label).first.is_visible(), label
    keep(page, "mobile-menu")
    audit(page)
    # and « Mes demandes » leads to the sign-in page
    menu.get_by_role("link", name="Mes demandes").click()
    page.wait_for_url("**/connexion/")
    audit(page)
    # and, back through the menu, « Espace agents » to the agents' sign-in
    open_menu(page)
    page.locator("#menu-principal").get_by_role("link", name="Espace agents").click()
    page.wait_for_url("**/agents/connexion/**")
    audit(page)
    # and the footer's legal pages read well on a phone too
    for label in ("Accessibilité : non conforme", "Mentions légales", "Données personnelles"):
        page.locator("#pied-de-page").get_by_role("link", name=label).click()
        page.wait_for_load_state("load")
        assert page.locator("h1").is_visible()
        audit(page)


@pytest.mark.browser
def test_an_instructeur_on_a_phone_reaches_the_queue_and_signs_out_through_the_menu(
    live_server, new_page, transactional_db, django_user_model
):
    # given an instructeur of Sceaux, on a phone
    world = build_world()
    user = django_user_model.objects.create_user(username="instructeur-mobile", password=PASSWORD)
    authority_actions.add_agent(
        actor=SYSTEM, user=user, authority=world.ville, role=Role.CASE_HANDLER
    )
    page = new_page(**PHONE)
    page.goto(live_server.url + "/agents/connexion/")
    # (signed out, the agents' sign-in page has nothing to fold behind a menu button)
    assert page.locator("#bouton-menu").count() == 0
    page.fill("#id_username", "instructeur-mobile")
    page.fill("#id_password", PASSWORD)
    page.click("form:has(#id_password) [type=submit]")
    page.wait_for_url(live_server.url + "/agents/")
    # when they open the menu
    open_menu(page)
    menu = page.locator("#menu-principal")
    # then the agents' menu shows what an instructeur opens, not the managers' lists
    assert menu.get_by_role("link", name="Nouvelle demande").is_visible()
    assert menu.get_by_role("link", name="Retards").count() == 0
    assert menu.get_by_role("link", name="Règles d'orientation").count() == 0
    keep(page, "mobile-menu-agent")
    audit(page)
    # and « Se déconnecter » is there, and signs them out
    menu.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(live_server.url + "/")
    open_menu(page)
    assert page.locator("#menu-principal").get_by_role("link", name="Espace agents").is_visible()


@pytest.mark.browser
def test_a_communes_service_page_on_a_phone_wears_its_logo_and_accent(
    live_server, new_page, transactional_db
):
    # given Sceaux's logo and a dark red accent
    world = build_world()
    authority_actions.change_authority(
        actor=SYSTEM, authority=world.ville, brand_color="#7a2e3b", logo_url="demo/sceaux.svg"
    )
    page = new_page(**PHONE)
    # when a resident opens one of its services
    page.goto(live_server.url + "/communes/92071/services/signalement-voirie/")
    # then the header shows its logo, loaded, and the page's action colour is its accent
    logo = page.locator(".fr-header__operator img")
    assert logo.get_attribute("alt") == "Ville de Sceaux"
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", logo.element_handle())
    accent = page.evaluate(
        "() => getComputedStyle(document.documentElement)"
        ".getPropertyValue('--text-action-high-blue-france').trim()"
    )
    assert accent == "#7a2e3b"
    # and the typeface is ours, not Marianne
    font = page.evaluate("() => getComputedStyle(document.body).fontFamily")
    assert font.startswith('"Atkinson Hyperlegible"')
    keep(page, "mobile-commune-branding")
    audit(page)
    open_menu(page)
    audit(page)
