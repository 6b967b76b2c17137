"""The agent's pages in a real browser: the link block's radios, the printable counter receipt."""

from __future__ import annotations

import pytest
from browser_checks import audit, screenshot, signed_in_page

from guichet.cases.models import Request

from .conftest import QUESTION, build_world, file_question

INTAKE = "/agents/nouvelle-demande/"


@pytest.mark.browser
def test_an_agent_picks_doublon_in_the_link_block_and_links_the_requests(
    live_server, page, transactional_db, settings
):
    # given two requests of Sceaux, the second a duplicate of the first, and their handler
    world = build_world()
    first = file_question(world, sujet="Horaires du samedi")
    second = file_question(world, sujet="Horaires du samedi (bis)")
    signed_in_page(page, live_server.url, world.handler)
    # when the handler opens the second one's page
    page.goto(f"{live_server.url}/agents/demandes/{second.pk}/")
    block = page.locator("section[aria-labelledby=action-link]")
    doublon = block.locator("label[for=id_link_kind_1]")
    # then each choice shows its radio button (the DSFR draws it before its label)
    for label in (block.locator("label[for=id_link_kind_0]"), doublon):
        drawn = label.evaluate("l => getComputedStyle(l, '::before').content")
        assert drawn not in ("none", "normal"), "the radio button is not drawn"
    # when they pick « doublon », give the other reference and link
    doublon.click()
    assert block.locator("#id_link_kind_1").is_checked()
    block.locator("#id_link_reference").fill(first.reference)
    audit(page)
    block.locator("button[type=submit]").click()
    # then the request is merged into the first, as a duplicate
    page.wait_for_selector(f"text=La demande a été fusionnée dans {first.reference} (doublon).")
    second.refresh_from_db()
    assert second.duplicate_of == first
    audit(page)


@pytest.mark.browser
def test_the_front_desk_prints_the_receipt_of_a_request_filed_at_the_counter(
    live_server, page, transactional_db, settings
):
    # given the front desk with Claire at the counter, her question filed
    world = build_world()
    client = signed_in_page(page, live_server.url, world.front)
    client.get(INTAKE, {"q": "claire.martin@example.org"})
    filed = client.post(
        f"{INTAKE}demande/?personne={world.claire.pk}&canal=counter"
        "&service=question-generale&commune=92071",
        QUESTION,
    )
    case = Request.objects.get(filed_by=world.front)
    # when the agent opens the receipt the filing led to
    page.add_init_script("window.print = () => { window.printed = true; };")
    page.goto(live_server.url + filed["Location"])
    # then it shows the reference, the QR code of the tracking link and what happens next
    assert page.locator("#reference").inner_text() == case.reference
    assert page.locator(".receipt-qr svg").is_visible()
    assert page.locator("text=Et maintenant ?").is_visible()
    assert case.tracking_secret not in page.url
    audit(page)
    screenshot(page, "counter-receipt-screen")
    # (its label readable on the accent: not the accent itself)
    colours = page.locator("[data-print-page]").evaluate(
        "b => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]"
    )
    assert colours[0] != colours[1], colours
    # when they press « Imprimer le récépissé », then the browser's print dialog is asked for
    page.click("text=Imprimer le récépissé")
    assert page.evaluate("() => window.printed === true")
    # and on paper only the receipt remains: no header, navigation, buttons or footer
    page.emulate_media(media="print")
    for furniture in ("header.fr-header", "footer.fr-footer", ".receipt-actions", ".fr-alert"):
        assert page.locator(furniture).first.is_hidden(), furniture
    assert page.locator(".receipt").is_visible()
    assert page.locator(".receipt-qr svg").is_visible()
    screenshot(page, "counter-receipt")
    audit(page)
