"""Surveys through the actions: opened on resolution, answered once, reopening the request."""

from datetime import timedelta

import pytest

from guichet.cases.actions import change_status
from guichet.cases.models import PublicStatus
from guichet.core import clock
from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.satisfaction.actions import SurveyError, answer_survey, configure_service
from guichet.satisfaction.links import survey_url
from guichet.satisfaction.models import Answer, Survey

from .factories import SYSTEM, file, resolve, service, surveyed


def test_a_resolved_request_gets_one_survey_with_an_unguessable_link(world, after_commit):
    # given a request filed on the portal
    request = file(world)
    # when its case handler resolves it
    resolve(world, after_commit, request)
    # then one survey is opened, recorded in the journal, and its link carries the token
    survey = Survey.objects.get(request=request)
    assert len(survey.token) == 32
    assert Event.objects.filter(kind="satisfaction.survey_opened", case_id=request.pk).count() == 1
    request.refresh_from_db()
    assert survey_url(request) == f"http://127.0.0.1:8000/satisfaction/{survey.token}/"


def test_closing_a_resolved_request_opens_no_second_survey(world, after_commit):
    # given a resolved request with its survey
    survey = surveyed(world, after_commit)
    # when the system closes it
    after_commit(
        change_status,
        request=survey.request, to="closed", actor=SYSTEM, role="system",
    )  # fmt: skip
    # then it still has one survey only
    assert Survey.objects.filter(request=survey.request).count() == 1


def test_an_open_request_has_no_survey_link(world):
    # given a request still being handled
    request = file(world)
    # then there is no survey and no link
    assert not Survey.objects.filter(request=request).exists()
    assert survey_url(request) == ""


def test_an_answer_is_one_event_with_the_payload_journeys_read(world, after_commit):
    # given a survey
    survey = surveyed(world, after_commit)
    # when the person answers it is resolved, 4 out of 5
    answer = answer_survey(survey=survey, resolved=True, score=4, comment="Merci", may_contact=True)
    # then the answer is stored and the journal holds exactly one answer event for the case
    events = Event.objects.filter(kind="satisfaction.answered")
    assert events.count() == 1
    event = events.get()
    assert event.payload == {"resolved": True, "score": 4}
    assert event.case_id == survey.request_id
    assert event.person_id == survey.request.person_id
    assert (answer.score, answer.resolved, answer.may_contact, answer.reopened) == (
        4,
        True,
        True,
        False,
    )


def test_not_resolved_with_a_comment_reopens_an_interactive_request(world, after_commit):
    # given a resolved pothole report (interactive service: reopening by default)
    survey = surveyed(world, after_commit)
    # when the person says it is not resolved and explains why
    answer = answer_survey(
        survey=survey,
        resolved=False,
        score=1,
        comment="Le trou est toujours là.",
        may_contact=False,
    )
    # then the request is back in progress, ongoing for the person, and the reopening counted
    request = survey.request
    request.refresh_from_db()
    assert (request.state, request.public_status) == ("in_progress", PublicStatus.ONGOING)
    assert answer.reopened is True
    moved = Event.objects.filter(kind="request.status_changed", case_id=request.pk).last()
    assert moved.payload["target"] == "in_progress"
    assert moved.payload["note"] == "Le trou est toujours là."
    assert moved.actor_type == "person"


def test_not_resolved_does_not_reopen_when_the_service_is_set_not_to(world, after_commit):
    # given the pothole service set not to reopen, and a resolved report with its survey
    configure_service(
        service=service("signalement-voirie"), reopen_when_not_resolved=False, actor=SYSTEM
    )
    survey = surveyed(world, after_commit)
    # when the person says it is not resolved, with a comment
    answer = answer_survey(
        survey=survey, resolved=False, score=2, comment="Toujours là.", may_contact=False
    )
    # then the answer is recorded but the request stays resolved
    survey.request.refresh_from_db()
    assert survey.request.state == "resolved"
    assert answer.reopened is False


def test_a_transactional_service_does_not_reopen_by_default(world, after_commit):
    # given a birth certificate request (transactional: not reopened by default), resolved
    survey = surveyed(world, after_commit, slug="acte-de-naissance")
    # when the person says it is not resolved, with a comment
    answer_survey(survey=survey, resolved=False, score=2, comment="Pas reçu.", may_contact=False)
    # then the request stays resolved
    survey.request.refresh_from_db()
    assert survey.request.state == "resolved"


def test_not_resolved_without_a_comment_does_not_reopen(world, after_commit):
    # given a resolved pothole report
    survey = surveyed(world, after_commit)
    # when the person says it is not resolved without saying why
    answer = answer_survey(survey=survey, resolved=False, score=1, comment="  ", may_contact=False)
    # then the request stays resolved
    survey.request.refresh_from_db()
    assert survey.request.state == "resolved"
    assert answer.reopened is False


def test_a_reopened_then_resolved_request_gets_a_new_survey(world, after_commit):
    # given a survey whose answer reopened the request
    survey = surveyed(world, after_commit)
    answer_survey(survey=survey, resolved=False, score=1, comment="Non.", may_contact=False)
    # when the agent resolves it again
    request = survey.request
    after_commit(
        change_status,
        request=request, to="resolved", actor=Actor.agent(world.handler_ville),
        role="case_handler", note="Vraiment rebouché.",
    )  # fmt: skip
    # then a second survey with another link is opened
    surveys = Survey.objects.filter(request=request)
    assert surveys.count() == 2
    request.refresh_from_db()
    assert surveys.first().token in survey_url(request)
    assert survey.token not in survey_url(request)


def test_answering_twice_is_refused(world, after_commit):
    # given an answered survey
    survey = surveyed(world, after_commit)
    answer_survey(survey=survey, resolved=True, score=5, comment="", may_contact=False)
    # when the person answers again
    with pytest.raises(SurveyError) as refusal:
        answer_survey(survey=survey, resolved=False, score=1, comment="Non", may_contact=False)
    # then it is refused in French and nothing more is written
    assert "déjà répondu" in str(refusal.value)
    assert Answer.objects.count() == 1
    assert Event.objects.filter(kind="satisfaction.answered").count() == 1


def test_an_expired_survey_is_refused(world, after_commit):
    # given a survey opened 61 days ago
    survey = surveyed(world, after_commit)
    # when the person answers now
    later = clock.now() + timedelta(days=61)
    with clock.frozen_at(later), pytest.raises(SurveyError) as refusal:
        answer_survey(survey=survey, resolved=True, score=5, comment="", may_contact=False)
    # then it is refused and nothing written
    assert "expiré" in str(refusal.value)
    assert not Answer.objects.exists()


@pytest.mark.parametrize("score", [0, 6, 7, -1, "3", None, True])
def test_a_score_outside_1_to_5_is_refused_and_nothing_written(world, after_commit, score):
    # given a survey
    survey = surveyed(world, after_commit)
    events_before = Event.objects.count()
    # when the answer carries a bad score
    with pytest.raises(SurveyError) as refusal:
        answer_survey(survey=survey, resolved=True, score=score, comment="", may_contact=False)
    # then the refusal names the score in French and nothing is written
    assert "note" in refusal.value.errors["score"][0]
    assert not Answer.objects.exists()
    assert Event.objects.count() == events_before
