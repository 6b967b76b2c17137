"""The survey page reached from the closure message."""

import re
from datetime import timedelta
from html import unescape

from guichet.core import clock
from guichet.core.models import Event
from guichet.satisfaction.models import Answer

from .factories import surveyed

VALID = {"resolved": "oui", "score": "4", "comment": "Rapide, merci.", "may_contact": "on"}


def text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def url(survey) -> str:
    return f"/satisfaction/{survey.token}/"


def test_the_survey_page_shows_the_reference_the_service_and_the_questions(
    client, world, after_commit
):
    # given a resolved request with its survey
    survey = surveyed(world, after_commit)
    # when the person opens the link
    response = client.get(url(survey))
    # then the page names the request and asks the four questions
    assert response.status_code == 200
    page = text(response)
    assert survey.request.reference in page
    assert survey.request.service.name in page
    for question in ("a-t-elle été résolue", "de 1 à 5", "Commentaire", "recontacte"):
        assert question in page
    assert "5 — très satisfait" in page


def test_answering_on_the_page_records_the_answer_and_thanks(client, world, after_commit):
    # given a survey
    survey = surveyed(world, after_commit)
    # when the person answers it was resolved
    response = client.post(url(survey), VALID, follow=True)
    # then the thanks page shows and the answer is recorded as an event
    assert "Merci pour votre réponse" in text(response)
    assert "rouverte" not in text(response)
    answer = Answer.objects.get(survey=survey)
    assert (answer.resolved, answer.score, answer.may_contact) == (True, 4, True)
    assert Event.objects.get(kind="satisfaction.answered").payload == {"resolved": True, "score": 4}


def test_not_resolved_with_a_comment_on_the_page_says_the_request_was_reopened(
    client, world, after_commit
):
    # given a survey of a pothole report
    survey = surveyed(world, after_commit)
    # when the person answers it is not resolved, with a comment
    data = VALID | {"resolved": "non", "score": "1", "comment": "Le trou est toujours là."}
    response = client.post(url(survey), data, follow=True)
    # then the thanks page says the request was reopened, and it is
    assert "Votre demande a été rouverte" in text(response)
    survey.request.refresh_from_db()
    assert survey.request.public_status == "ongoing"


def test_bad_input_shows_french_errors_and_writes_nothing(client, world, after_commit):
    # given a survey
    survey = surveyed(world, after_commit)
    events = Event.objects.count()
    # when the person sends a score of 7 and no answer to "resolved"
    response = client.post(url(survey), {"score": "7", "comment": "x"})
    # then the page explains both in French and nothing is written
    assert response.status_code == 400
    page = text(response)
    assert "Votre réponse n'a pas été enregistrée" in page
    assert "Indiquez si votre demande a été résolue." in page
    assert "La note doit être comprise entre 1 et 5." in page
    assert not Answer.objects.exists()
    assert Event.objects.count() == events


def test_an_empty_form_names_every_missing_answer(client, world, after_commit):
    # given a survey
    survey = surveyed(world, after_commit)
    # when the person sends the form empty
    response = client.post(url(survey), {})
    # then both required questions are named
    page = text(response)
    assert response.status_code == 400
    assert "Indiquez si votre demande a été résolue." in page
    assert "Choisissez une note de 1 à 5." in page
    assert not Answer.objects.exists()


def test_a_second_answer_through_the_page_is_not_recorded(client, world, after_commit):
    # given a survey answered once
    survey = surveyed(world, after_commit)
    client.post(url(survey), VALID)
    # when the link is opened and posted again
    again = client.post(url(survey), VALID | {"resolved": "non", "score": "1"}, follow=True)
    # then the thanks page of the first answer shows and nothing more is written
    assert "Merci pour votre réponse" in text(again)
    assert Answer.objects.get(survey=survey).score == 4
    assert Event.objects.filter(kind="satisfaction.answered").count() == 1


def test_an_unknown_or_expired_link_says_so_in_french(client, world, after_commit):
    # given a survey
    survey = surveyed(world, after_commit)
    # when a made-up link is opened, then the real one after expiry
    unknown = client.get("/satisfaction/" + "0" * 32 + "/")
    with clock.frozen_at(clock.now() + timedelta(days=61)):
        expired = client.post(url(survey), VALID)
    # then each is refused with a French page and nothing is written
    assert unknown.status_code == 404
    assert "aucun questionnaire" in text(unknown)
    assert expired.status_code == 410
    assert "a expiré" in text(expired)
    assert not Answer.objects.exists()
