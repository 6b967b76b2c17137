"""The designer in a real browser: build a form, reorder it with the keyboard, preview it at
mobile width, publish it; every page passes axe-core."""

from __future__ import annotations

import pytest
from browser_checks import audit, screenshot, signed_in_page

from guichet.catalogue.models import Service

from .conftest import designed_world

BASE = "/agents/concepteur/"


@pytest.mark.browser
def test_a_designer_builds_reorders_previews_and_publishes_a_form(
    live_server, page, transactional_db, settings
):
    # given Sceaux's designer
    world = designed_world()
    signed_in_page(page, live_server.url, world.designer)
    page.goto(live_server.url + BASE)
    audit(page)
    # when they create a service from scratch
    page.click("text=Créer un service")
    page.fill("#id_name", "Demande d'occupation du domaine public (terrasse)")
    audit(page)
    page.click("text=Créer le brouillon")
    page.wait_for_selector("text=créé (brouillon)")
    service = Service.objects.get(name="Demande d'occupation du domaine public (terrasse)")
    audit(page)
    # and add three fields on the builder
    page.goto(f"{live_server.url}{BASE}{service.pk}/formulaire/")
    for kind in ("short_text", "choice", "file"):
        page.select_option("#type-champ", kind)
        page.click("#ajouter-champ button[type=submit]")
        page.wait_for_selector("text=ajouté")
    names = lambda: page.locator("#liste-champs li[data-name]").evaluate_all(  # noqa: E731
        "items => items.map(i => i.dataset.name)"
    )
    assert names() == ["champ_1", "champ_2", "champ_3"]
    audit(page)
    # when they move the first field down with the keyboard alone
    page.locator('li[data-name="champ_1"] button[value=down]').focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**deplace=champ_1**")
    # then it moved, and the focus stays on the moved field's button
    assert names() == ["champ_2", "champ_1", "champ_3"]
    focused = page.evaluate("() => document.activeElement.closest('li')?.dataset.name")
    assert focused == "champ_1"
    # when they look at the preview at mobile width
    page.click("text=Mobile (375 px)")
    frame = page.locator("#apercu")
    page.frame_locator("#apercu").locator("#champ-champ_2, [id^=champ-champ_2]").first.wait_for()
    # (the width slides to 375 px: wait for the end of the transition)
    page.wait_for_function("() => document.getElementById('apercu').clientWidth === 375")
    assert round(frame.bounding_box()["width"]) == 375
    assert page.locator("button[data-width=mobile]").get_attribute("aria-pressed") == "true"
    screenshot(page, "designer-builder-mobile-preview")
    # and publish it with a note
    page.goto(f"{live_server.url}{BASE}{service.pk}/versions/")
    audit(page)
    page.fill("#id_note", "Première version : terrasses de l'été")
    page.click("text=Publier la version 1")
    page.wait_for_selector("text=Version 1 publiée.")
    service.refresh_from_db()
    assert service.is_active and service.current_version.number == 1
    audit(page)
    # the workflow designer draws its diagram and passes axe-core
    page.goto(f"{live_server.url}{BASE}{service.pk}/circuit/")
    audit(page)
    screenshot(page, "designer-workflow")
