from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from guichet.cases.actions import add_note, change_status, hand_off, send_message
from guichet.cases.models import Message
from guichet.core.journal import Actor
from guichet.portal import follow_up
from guichet.portal.views.tracking import LOOKUP_LIMIT

from .conftest import PNG_BYTES, counts, file_request, page_text


def look_up(client, reference, factor):
    return client.post("/suivi/", {"reference": reference, "factor": factor})


def test_the_reference_and_the_email_given_open_the_request(client, world):
    # given a request filed by Jeanne with her e-mail
    filed = file_request(Client())
    # when she types its reference (loosely) and her e-mail in another browser
    response = look_up(
        client, filed.reference.lower().replace("-", " "), "Jeanne.Martin@example.fr"
    )
    # then she reaches its tracking page
    assert response.status_code == 302
    page = client.get(response["Location"])
    text = page_text(page)
    assert f"Demande {filed.reference}" in text
    assert "en cours" in text
    assert "Traitée par Ville de Sceaux" in text
    assert "Demande reçue" in text
    assert "Réponse attendue au plus tard le" in text


def test_a_wrong_second_factor_looks_exactly_like_an_unknown_reference(client, world):
    # given a request filed by Jeanne
    filed = file_request(Client())
    # when someone tries its reference with another e-mail, and an unknown reference
    wrong_factor = look_up(client, filed.reference, "intrus@example.fr")
    unknown = look_up(client, "ABCD-EFGH-JK", "intrus@example.fr")
    # then both get the same answer: no oracle
    assert wrong_factor.status_code == unknown.status_code == 404
    assert "Demande introuvable" in page_text(wrong_factor)
    assert page_text(wrong_factor).replace(filed.reference, "") == page_text(unknown).replace(
        "ABCD-EFGH-JK", ""
    )
    assert filed.summary not in page_text(wrong_factor)


def test_the_link_with_the_secret_opens_the_request_and_a_wrong_secret_does_not(client, world):
    filed = file_request(Client())
    # when the link of the receipt is followed, and a forged one
    landing = client.get(f"/suivi/{filed.reference}", {"cle": filed.tracking_secret})
    forged = Client().get(f"/suivi/{filed.reference}", {"cle": "devine"})
    # then the link lands on the same page without its secret, sending no Referer on
    assert landing.status_code == 303 and landing["Location"] == f"/suivi/{filed.reference}"
    assert landing["Referrer-Policy"] == "no-referrer"
    cookie = landing.cookies["guichet_suivi"]
    assert cookie["path"] == f"/suivi/{filed.reference}" and cookie["httponly"]
    good = client.get(landing["Location"])
    assert good.status_code == 200 and f"Demande {filed.reference}" in page_text(good)
    assert filed.tracking_secret not in good.content.decode()
    # and only the real secret opens it; the forged one is told so in French
    assert forged.status_code == 404 and "Demande introuvable" in page_text(forged)
    assert "Ce lien de suivi n'est pas valide" in page_text(forged)
    assert "guichet_suivi" not in forged.cookies


def test_the_link_cookie_opens_only_its_own_request(client, world):
    # given Jeanne followed the link of her request
    filed = file_request(Client())
    other = file_request(Client())
    landing = client.get(f"/suivi/{filed.reference}", {"cle": filed.tracking_secret})
    # when the cookie it left is sent for another request's page (a forged path)
    forged = Client()
    forged.cookies["guichet_suivi"] = landing.cookies["guichet_suivi"].value
    # then that other request stays hidden, and a tampered cookie opens nothing
    assert forged.get(f"/suivi/{other.reference}").status_code == 404
    tampered = Client()
    tampered.cookies["guichet_suivi"] = filed.tracking_secret
    assert tampered.get(f"/suivi/{filed.reference}").status_code == 404


def test_a_request_not_looked_up_in_this_browser_stays_hidden(world):
    filed = file_request(Client())
    # when a stranger opens the tracking page without any factor
    response = Client().get(f"/suivi/{filed.reference}")
    # then it is not found
    assert response.status_code == 404
    assert filed.summary not in page_text(response)


def test_look_ups_beyond_the_limit_get_a_429_in_french(client, world, one_rate_window):
    # given an IP address that already used all its tries this minute
    for _ in range(LOOKUP_LIMIT):
        assert look_up(client, "ABCD-EFGH-JK", "x@example.fr").status_code == 404
    # when it tries once more, even with a direct link
    response = look_up(client, "ABCD-EFGH-JK", "x@example.fr")
    link = client.get("/suivi/ABCD-EFGH-JK", {"cle": "x"})
    # then it is told to wait, in French
    assert response.status_code == link.status_code == 429
    assert "Trop de tentatives, réessayez dans" in page_text(response)
    assert int(response["Retry-After"]) > 0


def test_the_person_answers_a_request_for_more_information(client, world, agent):
    # given Jeanne's request, which an agent put on hold asking for a photo
    filed = file_request(client)
    change_status(request=filed, to="in_progress", actor=Actor.agent(agent), role="case_handler")
    send_message(request=filed, actor=Actor.agent(agent), body="Pouvez-vous envoyer une photo ?")
    change_status(
        request=filed, to="waiting_user", actor=Actor.agent(agent), role="case_handler",
        note="Il nous faut une photo du trou.",
    )  # fmt: skip
    add_note(request=filed, actor=Actor.agent(agent), body="Secret interne entre agents")
    # when she opens the tracking page in the same browser session
    page = client.get(f"/suivi/{filed.reference}")
    # then she sees that an answer is awaited, the note and the message, never the internal note
    text = page_text(page)
    assert "action attendue de votre part" in text
    assert "Une réponse est attendue de votre part" in text
    assert "Il nous faut une photo du trou." in text
    assert "Pouvez-vous envoyer une photo ?" in text
    assert "Secret interne" not in text
    # when she replies with a photo, without typing her e-mail again
    photo = SimpleUploadedFile("trou.png", PNG_BYTES, content_type="image/png")
    response = client.post(
        f"/suivi/{filed.reference}/repondre", {"body": "Voici la photo.", "pieces_jointes": photo}
    )
    # then the request is back with the agents and the page shows the new state
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.state == "in_progress"
    after = page_text(client.get(response["Location"]))
    assert "Votre réponse a bien été transmise." in after
    assert "Voici la photo." in after and "trou.png" in after
    assert "Une réponse est attendue de votre part" not in after
    assert "Votre réponse" in after


def test_a_reply_with_a_bad_file_is_refused_and_writes_nothing(client, world, agent):
    # given a request waiting for Jeanne
    filed = file_request(client)
    change_status(request=filed, to="in_progress", actor=Actor.agent(agent), role="case_handler")
    change_status(
        request=filed, to="waiting_user", actor=Actor.agent(agent), role="case_handler",
        note="Une photo, svp.",
    )  # fmt: skip
    before = counts(), Message.objects.count()
    # when she replies with a file that is not what it claims, or with no text
    fake = SimpleUploadedFile("photo.png", b"not an image", content_type="image/png")
    bad_file = client.post(
        f"/suivi/{filed.reference}/repondre", {"body": "Voilà", "pieces_jointes": fake}
    )
    empty = client.post(f"/suivi/{filed.reference}/repondre", {"body": "  "})
    # then both are refused in French, on the right field, and nothing is written
    assert bad_file.status_code == empty.status_code == 400
    assert 'id="pieces-jointes-erreur">Le fichier « photo.png »' in bad_file.content.decode()
    assert "Écrivez votre réponse." in page_text(empty)
    assert (counts(), Message.objects.count()) == before
    filed.refresh_from_db()
    assert filed.state == "waiting_user"


def test_a_handed_off_request_names_its_new_authority(client, world, agent):
    # given Jeanne's request handed by the town to the EPT
    filed = file_request(client)
    hand_off(
        request=filed, to_authority=world.vallee_sud, reason="Compétence intercommunale",
        actor=Actor.agent(agent),
    )  # fmt: skip
    # when she opens the tracking page
    text = page_text(client.get(f"/suivi/{filed.reference}"))
    # then the page names the EPT and says the request was transferred
    assert "Traitée par Vallée Sud - Grand Paris (votre demande lui a été transmise)" in text
    assert "Demande transmise : à Vallée Sud - Grand Paris" in text


def waiting_for_her_answer(agent, question: str):
    """Jeanne's request, filed from a fresh browser, that the agent put on hold with a question."""
    filed = file_request(Client())
    change_status(request=filed, to="in_progress", actor=Actor.agent(agent), role="case_handler")
    change_status(
        request=filed, to="waiting_user", actor=Actor.agent(agent), role="case_handler",
        note=question,
    )  # fmt: skip
    return filed


def test_the_secret_link_starts_no_session_and_its_page_can_answer(world, agent):
    # given a request waiting for Jeanne, and a browser that has never seen it
    filed = waiting_for_her_answer(agent, "Quelle est l'adresse exacte ?")
    browser = Client()
    # when she follows the link of her e-mail
    page = browser.get(f"/suivi/{filed.reference}", {"cle": filed.tracking_secret}, follow=True)
    # then the page opens at an address without the secret, without any session being created
    # (mail scanners follow links too)
    assert page.status_code == 200 and page.redirect_chain[-1][0] == f"/suivi/{filed.reference}"
    assert "sessionid" not in browser.cookies
    assert filed.tracking_secret not in page.content.decode()
    # when she answers from that page
    answered = browser.post(f"/suivi/{filed.reference}/repondre", {"body": "12 rue des Écoles."})
    # then the answer is taken and she comes back to the same page, still without the secret
    assert answered.status_code == 302
    assert answered["Location"] == f"/suivi/{filed.reference}"
    assert "Votre réponse a bien été transmise." in page_text(browser.get(answered["Location"]))
    filed.refresh_from_db()
    assert filed.state == "in_progress"


def test_an_answer_with_a_forged_secret_is_refused_and_writes_nothing(world, agent):
    filed = waiting_for_her_answer(agent, "Une précision ?")
    before = Message.objects.filter(request=filed).count()
    # when a stranger posts an answer with a guessed secret
    response = Client().post(
        f"/suivi/{filed.reference}/repondre", {"body": "Intrusion", "cle": "devine"}
    )
    # then it is not found, and nothing is written
    assert response.status_code == 404
    assert Message.objects.filter(request=filed).count() == before
    filed.refresh_from_db()
    assert filed.state == "waiting_user"


def resolved_with(client, agent, answer: str, after_commit):
    """Jeanne's request, filed in `client`'s session, that the agent resolved with `answer`
    (its survey opened by the listener that runs after the commit)."""
    filed = file_request(client)
    change_status(request=filed, to="in_progress", actor=Actor.agent(agent), role="case_handler")
    with after_commit(execute=True):
        change_status(
            request=filed, to="resolved", actor=Actor.agent(agent), role="case_handler",
            note=answer,
        )  # fmt: skip
    return filed


def test_the_question_is_a_message_above_the_reply_form_and_not_repeated_in_the_history(
    client, world, agent
):
    # given an agent who asked Jeanne a question by putting her request on hold
    filed = file_request(client)
    change_status(request=filed, to="in_progress", actor=Actor.agent(agent), role="case_handler")
    change_status(
        request=filed, to="waiting_user", actor=Actor.agent(agent), role="case_handler",
        note="Le trou est-il sur la chaussée ?",
    )  # fmt: skip
    # then the question is a message of the conversation, visible to her
    question = Message.objects.get(request=filed)
    assert (question.author_type, question.is_internal) == ("agent", False)
    assert question.body == "Le trou est-il sur la chaussée ?"
    # and her tracking page shows it in « Messages », above the reply form, once
    html = client.get(f"/suivi/{filed.reference}").content.decode()
    messages, asked, form = (
        html.index('id="messages"'),
        html.index("Le trou est-il sur la chaussée ?"),
        html.index('id="reponse-titre"'),
    )
    assert messages < asked < form
    assert html.count("Le trou est-il sur la chaussée ?") == 1
    assert "Question en attente de votre réponse" in html
    assert "Aucun message pour l'instant" not in html


def test_a_resolved_request_shows_the_answer_and_the_survey_link(
    client, world, agent, django_capture_on_commit_callbacks
):
    # given Jeanne's request resolved with an answer
    filed = resolved_with(
        client, agent, "Le trou a été rebouché le 3 décembre.", django_capture_on_commit_callbacks
    )
    # when she opens her tracking page
    response = client.get(f"/suivi/{filed.reference}")
    text = page_text(response)
    # then the answer and the link to the survey are on the page, not only in the e-mail
    assert "Réponse de Ville de Sceaux" in text
    assert "Le trou a été rebouché le 3 décembre." in text
    survey = filed.surveys.get()
    assert f'href="/satisfaction/{survey.token}/"' in response.content.decode()
    assert "Donner mon avis" in text
    # and the phase reads as the agents read it
    assert response.context["phase"].label == "traitée"


def test_the_survey_link_goes_once_the_survey_is_answered(
    client, world, agent, django_capture_on_commit_callbacks
):
    filed = resolved_with(client, agent, "Réparé.", django_capture_on_commit_callbacks)
    survey = filed.surveys.get()
    answered = client.post(f"/satisfaction/{survey.token}/", {"resolved": "oui", "score": "5"})
    assert answered.status_code == 302
    text = page_text(client.get(f"/suivi/{filed.reference}"))
    assert "Réparé." in text and "Donner mon avis" not in text


def test_a_request_in_progress_shows_its_phase_with_its_step(client, world, agent):
    filed = file_request(client)
    received = client.get(f"/suivi/{filed.reference}")
    assert received.context["phase"] == follow_up.Phase("en cours", "reçue")
    change_status(request=filed, to="in_progress", actor=Actor.agent(agent), role="case_handler")
    text = page_text(client.get(f"/suivi/{filed.reference}"))
    assert "en cours étape : en cours de traitement" in text
    assert "Réponse de" not in text
