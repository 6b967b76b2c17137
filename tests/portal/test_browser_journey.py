"""A resident's whole journey in a real browser, with the agent's moves in between."""

from pathlib import Path

import pytest

from guichet.authorities import actions as authority_actions
from guichet.cases.models import Request

from .conftest import PNG_BYTES, SYSTEM, build_world

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.browser
def test_a_resident_reports_a_pothole_answers_the_agent_and_sees_it_resolved(
    live_server, page, new_page, tmp_path, django_user_model, transactional_db
):
    # given Sceaux, its authorities, the catalogue, and an agent of the town
    world = build_world()
    user = django_user_model.objects.create_user(username="agent-voirie", password="Voirie-2026!")
    authority_actions.add_agent(actor=SYSTEM, user=user, authority=world.ville, role="case_handler")
    agent_page = new_page()
    photo = tmp_path / "trou.png"
    photo.write_bytes(PNG_BYTES)
    ARTIFACTS.mkdir(exist_ok=True)

    def shot(name, where=page):
        where.screenshot(
            path=str(ARTIFACTS / f"portal-journey-{name}.png"), full_page=True, caret="initial"
        )

    def agent_moves(filed, to, note=""):
        """The agent takes a transition from the back office's request page."""
        agent_page.goto(f"{live_server.url}/agents/demandes/{filed.pk}/")
        if "/connexion/" in agent_page.url:
            agent_page.fill("#id_username", "agent-voirie")
            agent_page.fill("#id_password", "Voirie-2026!")
            agent_page.click("button:has-text('Se connecter')")
            agent_page.wait_for_url(f"**/agents/demandes/{filed.pk}/")
        form = agent_page.locator(f'form[data-transition="{to}"]')
        if note:
            form.locator("textarea, input[name=note]").first.fill(note)
        form.locator("button[type=submit]").click()
        agent_page.wait_for_selector("text=L'état de la demande a été mis à jour.")
        shot(f"agent-{to}", agent_page)

    # when a resident types her postcode on the portal
    page.goto(live_server.url + "/")
    page.fill("#id_q", "92330")
    page.click("text=Voir mes services")
    # then she reaches the services offered at Sceaux, by every authority
    page.wait_for_url("**/communes/92071/")
    assert page.locator("h1").inner_text() == "Vos démarches à Sceaux"
    assert page.locator("text=Assuré par Vallée Sud - Grand Paris (intercommunalité)").count() > 0
    shot("1-commune")

    # when she opens the pothole service and its form
    page.click("text=Signaler un problème de voirie")
    assert page.locator(".portal-handled-by").inner_text().startswith("Ce service est assuré par")
    shot("2-service")
    page.click("text=Faire une demande")
    page.wait_for_url("**/demande/")
    # then the conditional field appears only for "Autre problème"
    precision = page.locator('.portal-field[data-field="precision_autre"]')
    assert precision.is_hidden()
    page.click('label[for="champ-nature-3"]')
    assert precision.is_visible()
    page.click('label[for="champ-nature-1"]')
    assert precision.is_hidden()
    # and clicking on the map (Sceaux's outline, no tiles) places the point
    page.locator(".portal-map").click()
    assert page.input_value("#champ-emplacement-lat").startswith("48.7")
    page.fill("#champ-adresse", "devant le 12 rue Houdan")
    page.set_input_files("#champ-photo", str(photo))
    page.fill("#id_contact-first_name", "Jeanne")
    page.fill("#id_contact-last_name", "Martin")
    page.fill("#id_contact-email", "jeanne.martin@example.fr")
    shot("3-form")
    page.click("text=Envoyer ma demande")

    # then she gets a reference
    page.wait_for_url("**/envoyee/")
    reference = page.locator("#reference").inner_text().strip()
    filed = Request.objects.get(reference=reference)
    assert filed.authority == world.ville and filed.attachments.count() == 1
    shot("4-receipt")

    # when the agent takes it and asks for more information in the back office
    agent_moves(filed, "in_progress")
    agent_moves(filed, "waiting_user", "Le trou est-il sur la chaussée ou sur le trottoir ?")
    # then the resident sees it on the tracking page and answers there
    page.click("text=Suivre ma demande")
    page.wait_for_selector("text=Une réponse est attendue de votre part")
    assert "Le trou est-il sur la chaussée" in page.content()
    shot("5-asked")
    page.fill("#id_body", "Sur la chaussée, au milieu de la voie.")
    page.click("text=Envoyer ma réponse")
    page.wait_for_selector("text=Votre réponse a bien été transmise.")
    assert page.locator("#statut .fr-badge").text_content().strip() == "en cours"
    shot("6-answered")

    # when the agent resolves the request
    agent_moves(filed, "resolved", "Le trou a été rebouché.")
    # then the resident sees it "traitée"
    page.reload()
    assert page.locator("#statut .fr-badge").text_content().strip() == "traitée"
    assert "Le trou a été rebouché." in page.content()
    shot("7-resolved")
    agent_page.context.close()


@pytest.mark.browser
def test_a_request_without_file_is_sent_url_encoded_and_one_with_a_file_as_multipart(
    live_server, page, tmp_path, transactional_db
):
    # given Sceaux's general question form, whose attachment is optional
    build_world()
    letter = tmp_path / "courrier.png"
    letter.write_bytes(PNG_BYTES)

    def ask(subject, attachment=None):
        page.goto(f"{live_server.url}/communes/92071/services/question-generale/demande/")
        page.fill("#champ-sujet", subject)
        page.fill("#champ-message", "Quels sont les horaires de la mairie le samedi ?")
        page.click('label[for="champ-reponse_par-0"]')
        page.fill("#champ-courriel", "paul@example.fr")
        if attachment:
            page.set_input_files("#champ-piece_jointe", str(attachment))
        page.fill("#id_contact-first_name", "Paul")
        page.fill("#id_contact-last_name", "Durand")
        page.fill("#id_contact-email", "paul@example.fr")
        with page.expect_request(lambda sent: sent.method == "POST") as posted:
            page.click("text=Envoyer ma demande")
        page.wait_for_url("**/envoyee/")
        return posted.value.headers["content-type"]

    # when Paul asks a question without a file, then with one
    # then the first is posted URL-encoded, the second as multipart, and both are filed
    assert ask("Horaires") == "application/x-www-form-urlencoded"
    assert ask("Pièce jointe", letter).startswith("multipart/form-data; boundary=")
    plain, with_file = Request.objects.order_by("pk")
    assert plain.form_data["sujet"] == "Horaires" and "piece_jointe" not in plain.form_data
    assert with_file.attachments.get().original_name == "courrier.png"
