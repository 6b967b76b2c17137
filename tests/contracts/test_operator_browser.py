"""In a real browser: an operator's agent opens its indicators and sees a breach; the
authority's manager comments it; the annual report is generated (by the worker's task, its
progress on the page) and downloaded, and the PDF's text says what the page said."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_checks import audit, screenshot, signed_in_page

from guichet.backoffice.contracts.tasks import run_report
from guichet.contracts.models import Remark, Report

from .factories import build_world
from .pdf_text import pdf_text


@pytest.mark.browser
def test_operator_sees_a_breach_manager_comments_and_the_report_is_downloaded(
    live_server, new_page, transactional_db, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    url = f"{live_server.url}/agents/pilotage/contrats/"

    # the operator's agent opens its contracts, then the contract's indicators for 2026
    operator = new_page()
    signed_in_page(operator, live_server.url, world.handler)
    operator.goto(url)
    operator.get_by_role("link", name="DSP collecte 2026").click()
    operator.goto(f"{url}{world.contract.pk}/?annee=2026")
    within = operator.locator("table[data-indicator='within_promise']")
    march = within.locator("tr", has_text="mars 2026")
    assert "66,67 %" in march.inner_text() and "manquement" in march.inner_text().lower()
    assert operator.locator("[data-breaches]").inner_text() == "6"
    audit(operator)
    # the figure opens the requests behind it
    march.get_by_role("link", name="66,67 %").click()
    assert "3 demandes" in operator.inner_text("main")
    assert world.requests["d"].reference in operator.inner_text("main")
    screenshot(operator, "contracts-requests-behind")

    # the authority's manager comments the breach
    manager = new_page()
    signed_in_page(manager, live_server.url, world.manager)
    manager.goto(f"{url}{world.contract.pk}/?annee=2026")
    manager.check("#kind-comment")
    manager.select_option(
        "#remark-indicator", label="part des demandes résolues dans le délai promis"
    )
    manager.select_option("#remark-month", "2026-03")
    manager.fill("#remark-body", "Mars : trois demandes, une hors délai. Plan d'action attendu.")
    manager.get_by_role("button", name="Enregistrer la remarque").click()
    remark = manager.locator("[data-remark='comment']")
    assert "Plan d'action attendu." in remark.inner_text()
    assert "mars 2026" in remark.inner_text()
    assert Remark.objects.filter(contract=world.contract, author=world.manager).count() == 1

    # the manager asks for the annual report; the worker builds it; the page follows
    manager.get_by_role("button", name="Générer le rapport annuel 2026").click()
    manager.wait_for_selector("[data-report-status='queued']")
    assert "0 %" in manager.inner_text("main")
    run_report(Report.objects.latest("id").pk)  # what `guichet worker` does
    manager.wait_for_selector("[data-report-status='ready']", timeout=20_000)
    audit(manager)
    with manager.expect_download() as download:
        manager.get_by_role("link", name="Télécharger le rapport PDF").click()
    pdf = Path(download.value.path()).read_bytes()
    text = pdf_text(pdf)
    assert "Rapport annuel du délégataire" in text
    assert "part des demandes résolues dans le délai promis" in text
    assert "1700" in text.replace(" ", "").replace("\u202f", "")
    assert "Très rapide, merci" in text
    for secret in ("Alice", "06 12 34 56 78", "alice@exemple.fr"):
        assert secret not in text

    # on a phone, the indicators fit the screen
    phone = new_page(viewport={"width": 375, "height": 800})
    signed_in_page(phone, live_server.url, world.handler)
    phone.goto(f"{url}{world.contract.pk}/?annee=2026")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone, "contracts-indicators-375")

    # an agent of another operator does not see the contract in the list (nor open it:
    # test_pages checks its « introuvable »)
    outsider = new_page()
    signed_in_page(outsider, live_server.url, world.outsider)
    outsider.goto(url)
    assert "Aucun contrat de délégation ne concerne vos collectivités." in outsider.inner_text(
        "main"
    )
