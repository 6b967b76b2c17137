"""In a real browser: a resident books from the portal, the agent sees it in the agenda."""

from pathlib import Path

import pytest

from guichet.appointments.models import Appointment
from guichet.core.calendar import PARIS

from .factories import PASSWORD, build_world

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.browser
def test_a_resident_books_online_and_the_agent_sees_it_in_the_agenda(
    live_server, page, new_page, transactional_db
):
    # given the town hall of Tours with its agenda, and an agent of the town
    world = build_world()
    ARTIFACTS.mkdir(exist_ok=True)

    def shot(name, where=page):
        where.screenshot(
            path=str(ARTIFACTS / f"appointments-{name}.png"), full_page=True, caret="initial"
        )

    # when a resident opens "Prendre rendez-vous" and chooses an identity card appointment
    page.goto(live_server.url + "/")
    page.click("nav >> text=Prendre rendez-vous")
    page.click("text=Carte d'identité / passeport (20 min)")
    page.wait_for_url(f"**/rendez-vous/lieu/{world.mairie.pk}/cni/")
    # and picks the first free slot of next week
    page.click("#semaine-suivante")
    page.wait_for_selector("a[data-slot]")
    shot("1-semaine")
    page.locator("a[data-slot]").first.click()
    page.wait_for_selector("#formulaire-rendez-vous")
    chosen = page.locator("#creneau").inner_text()
    # and gives her details
    page.fill("#id_contact-first_name", "Chloé")
    page.fill("#id_contact-last_name", "Bernard")
    page.fill("#id_contact-email", "chloe@exemple.fr")
    shot("2-coordonnees")
    page.click("text=Confirmer le rendez-vous")
    # then the confirmation shows the slot in French, its reference and the calendar file
    page.wait_for_selector("text=Votre rendez-vous est confirmé")
    assert chosen in page.locator("#quand").inner_text()
    reference = page.locator("#reference").inner_text()
    assert page.locator("#lien-ics").get_attribute("href").endswith("/rendez-vous.ics")
    shot("3-confirmation")

    # when the agent signs in and opens the agenda of that day
    appointment = Appointment.objects.get(reference=reference)
    day = appointment.start.astimezone(PARIS).date().isoformat()
    agent_page = new_page()
    agent_page.goto(f"{live_server.url}/agents/agendas/")
    agent_page.fill("#id_username", world.agent_tours.username)
    agent_page.fill("#id_password", PASSWORD)
    agent_page.click("button:has-text('Se connecter')")
    agent_page.wait_for_url("**/agents/agendas/")
    agent_page.click("text=Mairie de Tours — état civil")
    agent_page.goto(f"{live_server.url}/agents/agendas/{world.mairie.pk}/?jour={day}")
    # then the appointment is there, on its desk, with the resident's name
    entry = agent_page.locator(f'[data-reference="{reference}"]')
    assert entry.count() == 1
    assert "Chloé Bernard" in entry.inner_text()
    assert "Carte d'identité / passeport" in entry.inner_text()
    shot("4-agenda", agent_page)
    agent_page.context.close()
