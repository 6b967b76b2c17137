"""« Déjà signalé à 40 m » in a real browser (issue 16, "Done when"): a resident types an
address (the BAN-format server of tests/territory/ban_server.py answers), sees the open report
40 m away above the submit button, follows it, and is told by e-mail (a real SMTP server) when
the agent resolves it."""

from __future__ import annotations

import pytest
from browser_checks import audit, screenshot
from django.core.management import call_command
from notifications.servers import RecordingSmtp
from territory.ban_server import running_ban_server

from guichet.cases import actions
from guichet.cases.models import Follower
from guichet.core.journal import Actor
from guichet.people import actions as people

from .conftest import SYSTEM, build_world

SEARCH = "#champ-emplacement-carte-recherche"


@pytest.fixture
def ban_server(settings):
    with running_ban_server(settings) as server:
        yield server


@pytest.fixture
def smtp_server(settings):
    server = RecordingSmtp().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    yield server
    server.stop()


@pytest.mark.browser
def test_a_resident_sees_a_report_nearby_follows_it_and_is_told_of_its_resolution(
    live_server, page, transactional_db, settings, ban_server, smtp_server
):
    # given Sceaux's roads looking 50 m around, and Jeanne's open pothole report 40 m north of
    # 12 rue Houdan (48.7781, 2.2899 in the address server)
    world = build_world()
    world.voirie.nearby_radius_m = 50
    world.voirie.save(update_fields=["nearby_radius_m"])
    jeanne = people.create_person(
        actor=SYSTEM, first_name="Jeanne", last_name="Martin", email="jeanne@exemple.fr"
    )
    filed = actions.submit_request(
        service=world.voirie, person=jeanne, channel="web", actor=Actor.person(jeanne),
        form_data={"nature": "nid_de_poule", "description": "Un trou profond.",
                   "emplacement": {"lat": 48.77846, "lon": 2.2899}},
        commune=world.sceaux,
    )  # fmt: skip
    # when another resident opens the form and types the address, choosing it with the keyboard
    page.goto(live_server.url + "/communes/92071/services/signalement-voirie/demande/")
    page.wait_for_selector(".portal-map path.leaflet-interactive")
    page.locator(SEARCH).fill("12 rue Houdan")
    page.wait_for_selector(f"{SEARCH}-suggestions [role=option]")
    page.locator(SEARCH).press("ArrowDown")
    page.locator(SEARCH).press("Enter")
    assert page.input_value("#champ-emplacement-lat") == "48.778100"
    # then the report shows above the submit button, in the live region
    region = page.locator("#signalements-proches")
    region.locator(f'[data-reference="{filed.reference}"]').wait_for()
    assert region.get_attribute("aria-live") == "polite"
    assert "Déjà signalé à 40 m il y a moins d'une heure" in region.inner_text()
    assert "Jeanne" not in region.inner_text()
    audit(page)
    screenshot(page, "already-reported-nearby")
    # when they choose to follow it and give an e-mail
    region.locator("text=Suivre ce signalement").click()
    page.wait_for_url(f"**/signalements/{filed.reference}/suivre/")
    page.fill("#id_contact-email", "paul@exemple.fr")
    page.click("button:has-text('Suivre ce signalement')")
    page.wait_for_url("**/suivre/merci/")
    # then they are told they follow it
    assert f"Vous suivez le signalement {filed.reference}" in page.locator("h1").inner_text()
    follower = Follower.objects.get(request=filed)
    # when the agent resolves the report and the worker delivers the outbox
    agent = Actor.system("agent")
    request = actions.change_status(request=filed, to="in_progress", actor=agent, role="manager")
    actions.change_status(request=request, to="resolved", actor=agent, role="manager", note="Ok.")
    call_command("worker", once=True, verbosity=0)
    # then the follower got the resolution by e-mail, without Jeanne's name
    theirs = [m for m in smtp_server.messages if m["To"] == "paul@exemple.fr"]
    assert [m["Subject"] for m in theirs][-1] == f"Demande {filed.reference} traitée"
    assert "Jeanne" not in theirs[-1].get_body(preferencelist=("plain",)).get_content()
    assert follower.person.identities.get().value == "paul@exemple.fr"
