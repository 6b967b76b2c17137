"""The erasure pages in Chromium: a manager erases a person after the confirmation page; a
resident erases their own data (axe-core clean, no console error)."""

from __future__ import annotations

import pytest
from browser_checks import audit, signed_in_page
from cases.factories import build_world, file_request
from django.conf import settings as django_settings
from django.test import Client

from guichet.people.models import Person


@pytest.mark.browser
def test_a_manager_then_a_resident_erase_through_the_pages(live_server, page, transactional_db):
    # given Alice with an open report at Sceaux, and Sceaux's manager signed in
    world = build_world()
    file_request(world, "signalement-voirie")
    signed_in_page(page, live_server.url, world.manager_sceaux)
    # when the manager opens her record and follows « Effacer les données de cette personne »
    page.goto(f"{live_server.url}/agents/usagers/{world.alice.pk}/")
    page.click("a:has-text('Effacer les données de cette personne')")
    page.wait_for_url(f"**/usagers/{world.alice.pk}/effacer/")
    # then the confirmation page lists what goes and the open report
    assert page.locator("text=1 demande anonymisée").count() == 1
    audit(page)
    # when they confirm, the record says the data was erased
    page.check("#id_confirm", force=True)
    page.click("button:has-text('Effacer définitivement')")
    page.wait_for_url(f"**/usagers/{world.alice.pk}/")
    assert page.locator("text=ont été effacées").count() >= 1
    audit(page)
    assert Person.objects.get(pk=world.alice.pk).is_erased

    # given Bob signed in on the portal
    client = Client()
    session = client.session
    session["person_id"] = world.bob.pk
    session.save()
    page.context.clear_cookies()
    page.context.add_cookies([{
        "name": django_settings.SESSION_COOKIE_NAME, "url": live_server.url,
        "value": session.session_key,
    }])  # fmt: skip
    # when he opens « Effacer mes données » and confirms
    page.goto(f"{live_server.url}/mon-compte/effacement/")
    audit(page)
    page.click("button:has-text('Effacer définitivement mes données')")
    # then he is told, signed out, and his record is erased
    assert page.locator("h1:has-text('Vos données ont été effacées')").count() == 1
    audit(page)
    assert Person.objects.get(pk=world.bob.pk).is_erased
