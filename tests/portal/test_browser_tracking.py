"""The conversation as both sides see it, in a real browser: the agent's question, the answer."""

from pathlib import Path

import pytest
from browser_checks import audit
from django.test import Client

from guichet.authorities import actions as authority_actions

from .conftest import SYSTEM, build_world, file_request

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
QUESTION = "Le trou est-il sur la chaussée ou sur le trottoir ? Quelle est sa largeur ?"
ANSWER = "Le trou a été rebouché ce matin par l'équipe de voirie."


@pytest.mark.browser
def test_the_agents_question_reads_as_a_message_on_both_sides_and_the_answer_closes_the_loop(
    live_server, page, new_page, django_user_model, transactional_db
):
    # given a pothole report filed at Sceaux and an agent of the town
    world = build_world()
    user = django_user_model.objects.create_user(username="agent-voirie", password="Voirie-2026!")
    authority_actions.add_agent(actor=SYSTEM, user=user, authority=world.ville, role="case_handler")
    filed = file_request(Client())
    agent_page = new_page()
    agent_url = f"{live_server.url}/agents/demandes/{filed.pk}/"
    agent_page.goto(agent_url)
    agent_page.fill("#id_username", "agent-voirie")
    agent_page.fill("#id_password", "Voirie-2026!")
    agent_page.click("button:has-text('Se connecter')")
    agent_page.wait_for_url(agent_url)

    def agent_moves(to, note=""):
        form = agent_page.locator(f'form[data-transition="{to}"]')
        if note:
            form.locator("textarea, input[name=note]").first.fill(note)
        form.locator("button[type=submit]").click()
        agent_page.wait_for_selector("text=L'état de la demande a été mis à jour.")

    # when the agent takes it and asks for more information on the request page
    agent_moves("in_progress")
    agent_moves("waiting_user", QUESTION)
    # then the agent's « Échanges » shows the question as a message to the person
    exchanges = agent_page.locator("h2:has-text('Échanges') + div")
    assert "Demande de complément à l'usager" in exchanges.inner_text()
    assert QUESTION in exchanges.inner_text()
    agent_badge = agent_page.locator("[data-state]").text_content().strip()
    assert agent_badge == "en attente de l'usager"
    audit(agent_page)

    # when the resident opens the link of her receipt
    page.goto(f"{live_server.url}/suivi/{filed.reference}?cle={filed.tracking_secret}")
    # then « Messages » holds the question, above the reply form
    messages = page.locator("h2#messages")
    question = page.locator("#question-en-cours")
    assert "Question en attente de votre réponse" in question.inner_text()
    assert QUESTION in question.inner_text()
    assert "Aucun message pour l'instant" not in page.content()
    form_title = page.locator("#reponse-titre")
    assert messages.bounding_box()["y"] < question.bounding_box()["y"]
    assert question.bounding_box()["y"] < form_title.bounding_box()["y"]
    assert "Répondez à la question ci-dessus." in page.locator("#reponse-titre + p").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("document.fonts.ready.then(() => true)")  # no text hidden by a loading font
    page.screenshot(path=str(ARTIFACTS / "tracking-agent-question.png"), full_page=True)
    audit(page)

    # when she answers, and the agent resolves the request with a summary
    page.fill("#id_body", "Sur la chaussée, environ 40 cm de large.")
    page.click("text=Envoyer ma réponse")
    page.wait_for_selector("text=Votre réponse a bien été transmise.")
    # then both sides read the same phase: « en cours »
    assert page.locator("#statut .fr-badge").text_content().strip() == "en cours"
    agent_page.reload()
    assert agent_page.locator("[data-state]").text_content().strip().startswith("en cours")
    assert "Sur la chaussée, environ 40 cm de large." in agent_page.content()
    agent_moves("resolved", ANSWER)

    # then the resident's page shows the answer and the survey, without the e-mail
    page.reload()
    assert page.locator("#statut .fr-badge").text_content().strip() == "traitée"
    outcome = page.locator("#issue")
    assert "Réponse de Ville de Sceaux" in outcome.inner_text()
    assert ANSWER in outcome.inner_text()
    audit(page)
    page.click("#lien-avis")
    page.wait_for_url("**/satisfaction/*/")
    assert "Votre avis" in page.title()
    agent_page.reload()
    assert agent_page.locator("[data-state]").text_content().strip() == "traitée"
