"""The counter look-up of a person new to the agent's authority, in a real browser (ADR 0017)."""

from __future__ import annotations

import pytest
from browser_checks import audit, screenshot

from .test_access_matrix import build_world


@pytest.mark.browser
def test_the_front_desk_recognises_a_newcomer_by_phone_then_files_for_them(
    live_server, page, transactional_db
):
    # given Bob, who only ever asked Tours something, at Sceaux's counter
    world = build_world()
    page.goto(f"{live_server.url}/agents/connexion/")
    page.fill("#id_username", world.front.username)
    page.fill("#id_password", "motdepasse-solide-42")
    page.click("button:has-text('Se connecter')")
    page.wait_for_url("**/agents/")
    # when the agent searches his name, then his whole phone number
    page.goto(f"{live_server.url}/agents/nouvelle-demande/")
    page.fill("#id_q", "Durand")
    page.click("button:has-text('Rechercher')")
    assert page.locator("text=Aucun usager ne correspond").count() == 1
    page.fill("#id_q", "06 11 22 33 44")
    page.click("button:has-text('Rechercher')")
    # then only what recognises him shows, marked as outside the agent's authorities
    results = page.locator("#resultats")
    assert results.inner_text().startswith("Bob D. — b•••@exemple.fr — 06 •• •• •• 44")
    assert "Durand" not in page.content() and "rue Nationale" not in page.content()
    assert results.locator("text=sans lien avec vos collectivités").count() == 1
    audit(page)
    screenshot(page, "counter-recognition")
    # when the agent picks him
    results.locator("text=Choisir").click()
    page.wait_for_url("**/nouvelle-demande/demande/**")
    # then the request form names him as recognised, without a link to his record
    assert page.locator("h1").inner_text() == (
        "Nouvelle demande pour Bob D. — b•••@exemple.fr — 06 •• •• •• 44"
    )
    assert page.locator("text=fiche de l'usager").count() == 0
    audit(page)
