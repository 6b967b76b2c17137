"""A resident asks for her data in Chromium, at a phone's width: the progress shows, then the
download link, and the archive downloads."""

from __future__ import annotations

import zipfile
from importlib import import_module

import pytest
from browser_checks import audit, screenshot
from cases.factories import build_world, file_request
from django.conf import settings as django_settings

from guichet.people.rights.models import DataExport
from guichet.people.rights.tasks import run_export


def sign_in_cookie(context, base_url: str, person) -> None:
    """The session the portal's sign-in link opens, as a cookie of the browser."""
    store = import_module(django_settings.SESSION_ENGINE).SessionStore()
    store["person_id"] = person.pk
    store.save()
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": store.session_key, "url": base_url}]
    )


@pytest.mark.browser
def test_a_resident_downloads_her_data_on_a_phone(
    live_server, new_page, transactional_db, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    # given Alice, signed in, with a request
    world = build_world()
    filed = file_request(world, person=world.alice)
    page = new_page(viewport={"width": 375, "height": 800})
    sign_in_cookie(page.context, live_server.url, world.alice)
    # when she opens « Mon compte » and follows « Mes données personnelles »
    page.goto(f"{live_server.url}/mon-compte/")
    page.click("text=Télécharger mes données et voir qui les a consultées")
    page.wait_for_url("**/mon-compte/donnees/")
    # and asks for her data
    page.click("button:has-text('Télécharger mes données')")
    # then the page says it is being prepared, with its progress
    page.wait_for_selector("#export-status[data-status=queued]")
    assert page.locator("progress").count() == 1
    assert page.locator("text=Votre export est en préparation").count() == 1
    audit(page)
    screenshot(page, "export-1-progress")
    # when the worker builds it
    export = DataExport.objects.get(person=world.alice)
    assert run_export(export.pk) == "prête"
    # then, without reloading, the download link appears (the page polls)
    link = page.locator("#export-download")
    link.wait_for(timeout=10_000)
    # and nothing overflows the phone's width
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    audit(page)
    screenshot(page, "export-2-ready")
    # when she downloads it, she gets the ZIP with her request
    with page.expect_download() as started:
        link.click()
    archive = zipfile.ZipFile(started.value.path())
    assert filed.reference in archive.read("demandes.json").decode("utf-8")
