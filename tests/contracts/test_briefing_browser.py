"""An elected official's briefing in a real browser: the e-mail reaches a real SMTP server,
its link (no secret in it) asks for signing in, then opens the briefing page, readable at
375 px, with no console error and nothing serious for axe-core; Issy's manager cannot open it."""

from __future__ import annotations

import re

import pytest
from browser_checks import audit, screenshot, signed_in_page
from django.test import Client
from notifications.servers import RecordingSmtp
from steering_support import NOW, SYSTEM, build_world

from guichet.contracts.briefings import actions
from guichet.journeys.topics.actions import refresh_topics
from guichet.notifications.delivery import deliver_due


@pytest.mark.browser
def test_the_briefing_email_link_opens_the_briefing_on_a_phone(
    live_server, new_page, transactional_db, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    settings.GUICHET_BASE_URL = live_server.url
    smtp = RecordingSmtp().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    try:
        # given Sceaux's history, its topics and the mayor's weekly briefing sent
        w = build_world()
        refresh_topics(authority=w.sceaux, now=NOW)
        remit = actions.create_remit(
            actor=SYSTEM, authority=w.sceaux, official=w.elected, title="Maire de Sceaux",
            scope="commune", commune=w.sceaux_commune, frequency="weekly",
        )  # fmt: skip
        actions.send_briefing(remit=remit, now=NOW)
        while deliver_due(limit=500):
            pass
        [mail] = [m for m in smtp.messages if m["To"] == "maire@sceaux.exemple.fr"]
    finally:
        smtp.stop()
    text = mail.get_body(("plain",)).get_content()
    link = re.search(rf"{re.escape(live_server.url)}/agents/pilotage/briefings/\d+/", text).group(0)

    # the link alone opens nothing: the sign-in page comes first
    page = new_page(viewport={"width": 375, "height": 800})
    page.goto(link)
    assert "/briefings/" not in page.url.split("?")[0]
    # signed in, the same link opens the briefing
    signed_in_page(page, live_server.url, w.elected)
    page.goto(link)
    assert page.locator("h1").inner_text() == "Maire de Sceaux"
    hot = page.locator("[data-section='hot-spots']").inner_text()
    assert "Sujet émergent" in hot and "parc" in hot.lower()
    assert "erreur moyenne constatée" in page.locator("[data-section='forecast']").inner_text()
    # readable on a phone: nothing wider than the screen
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    audit(page)
    screenshot(page, "briefing-375")
    # a figure's link opens its dashboard, for the manager who can read it
    manager = new_page()
    signed_in_page(manager, live_server.url, w.manager)
    manager.goto(link)
    manager.locator("[data-section='went-well'] a").first.click()
    assert manager.locator("h1").inner_text() == "Tableau de bord"
    # Issy's manager gets « introuvable » (asked without a browser: a 404 is a console error)
    client = Client()
    client.force_login(w.issy_manager)
    response = client.get(link.removeprefix(live_server.url))
    assert response.status_code == 404 and "Maire de Sceaux" not in response.content.decode()
