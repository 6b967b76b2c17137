"""« Déjà signalé à 40 m » in a real browser: a resident places a point near an open report,
sees it above the submit button, follows it, and is told when the agent resolves it."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from guichet.cases import actions
from guichet.cases.models import Follower
from guichet.core.journal import Actor
from guichet.people import actions as people

from .conftest import SYSTEM, build_world


@pytest.mark.browser
def test_a_resident_sees_a_report_nearby_follows_it_and_is_told_of_its_resolution(
    live_server, page, transactional_db, settings, django_user_model
):
    # given Sceaux's roads looking 50 m around, and Jeanne's open pothole report
    world = build_world()
    world.voirie.nearby_radius_m = 50
    world.voirie.save(update_fields=["nearby_radius_m"])
    jeanne = people.create_person(
        actor=SYSTEM, first_name="Jeanne", last_name="Martin", email="jeanne@exemple.fr"
    )
    filed = actions.submit_request(
        service=world.voirie, person=jeanne, channel="web", actor=Actor.person(jeanne),
        form_data={"nature": "nid_de_poule", "description": "Un trou profond.",
                   "emplacement": {"lat": 48.7775, "lon": 2.2905}},
        commune=world.sceaux,
    )  # fmt: skip
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # when another resident opens the form and types a point about 40 m away
    page.goto(live_server.url + "/communes/92071/services/signalement-voirie/demande/")
    page.wait_for_selector(".portal-map path.leaflet-interactive")
    page.click("summary:has-text('Saisir les coordonnées')")
    page.fill("#champ-emplacement-lat", "48,77786")
    page.fill("#champ-emplacement-lon", "2,2905")
    page.locator("#champ-emplacement-lon").dispatch_event("change")
    # then the report shows above the submit button, in the live region
    region = page.locator("#signalements-proches")
    region.locator(f'[data-reference="{filed.reference}"]').wait_for()
    assert region.get_attribute("aria-live") == "polite"
    assert "Déjà signalé à 40 m il y a moins d'une heure" in region.inner_text()
    assert "Jeanne" not in region.inner_text()
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
    from django.core import mail

    agent = Actor.system("agent")
    request = actions.change_status(request=filed, to="in_progress", actor=agent, role="manager")
    actions.change_status(request=request, to="resolved", actor=agent, role="manager", note="Ok.")
    call_command("worker", once=True, verbosity=0)
    # then the follower got the resolution, without Jeanne's name
    theirs = [m for m in mail.outbox if m.to == ["paul@exemple.fr"]]
    assert [m.subject for m in theirs][-1] == f"Demande {filed.reference} traitée"
    assert "Jeanne" not in theirs[-1].body
    assert follower.person.identities.get().value == "paul@exemple.fr"
