"""An agent merges a phoned-in duplicate in a real browser (issue 16, « Done when »).

Committed data (the live server has its own thread): the world is built by the test itself.
"""

from __future__ import annotations

import pytest
from browser_checks import audit, screenshot, signed_in_page
from cases.factories import POINTS, SYSTEM, build_world, form_for, service

from guichet.cases import actions
from guichet.cases.models import Follower, Request
from guichet.core.journal import Actor
from guichet.people.actions import Applicant


def near(metres_north: float) -> dict:
    point = POINTS["92071"]
    return {"lat": point["lat"] + metres_north / 111_195, "lon": point["lon"]}


@pytest.mark.browser
def test_an_agent_merges_a_phoned_in_duplicate(
    live_server, page, transactional_db, settings, tmp_path
):
    # given Alice's pothole reported on the portal, and another one 60 m away
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    voirie = service("signalement-voirie")

    def report(metres: float, **filing):
        return actions.file_request(
            service=voirie, form_data=form_for("signalement-voirie", emplacement=near(metres)),
            commune=world.sceaux_commune, **filing,
        )  # fmt: skip

    parent = report(0, applicant=Applicant(person=world.alice), channel="web")
    farther = report(
        60, applicant=Applicant(person=world.bob), channel="web",
        actor=Actor.person(world.bob),
    )  # fmt: skip
    # and the same pothole phoned in a few metres away, typed by the front desk
    phoned = report(
        4, channel="phone", actor=Actor.agent(world.front_desk_sceaux), registrar=SYSTEM,
        applicant=Applicant(first_name="Léa", last_name="Petit", phone="06 98 76 54 32"),
        filed_by=world.front_desk_sceaux,
    )  # fmt: skip
    # when the case handler opens the phoned-in request
    signed_in_page(page, live_server.url, world.agent_sceaux)
    page.goto(f"{live_server.url}/agents/demandes/{phoned.pk}/")
    # then « Doublon possible » lists the nearest report first, with its distance
    section = page.locator("#doublon-possible")
    assert section.locator("h2").inner_text() == "Doublon possible"
    ranked = section.locator("li[data-candidate]")
    assert ranked.nth(0).get_attribute("data-candidate") == parent.reference
    assert ranked.nth(1).get_attribute("data-candidate") == farther.reference
    assert "à 5 m" in ranked.nth(0).inner_text()
    audit(page)
    screenshot(page, "duplicates-suspicion")
    # when they merge it into the first
    ranked.nth(0).locator("button", has_text="Fusionner dans cette demande").click()
    # then the page says so, and the request left the queue for the parent
    page.wait_for_selector(f"text=La demande {phoned.reference} a été fusionnée dans")
    merged = page.locator("#doublons")
    assert parent.reference in merged.locator("h2").inner_text()
    assert page.locator("#doublon-possible").count() == 0
    phoned.refresh_from_db()
    assert phoned.duplicate_of_id == parent.pk and not phoned.in_queue
    assert Follower.objects.get(request=parent).person_id == phoned.person_id
    audit(page)
    # and the parent's page lists it among the requests merged into it
    page.click(f"#doublons h2 a:has-text('{parent.reference}')")
    assert page.locator(f"[data-merged-child='{phoned.reference}']").is_visible()
    audit(page)
    assert Request.objects.filter(duplicate_of=parent).count() == 1
