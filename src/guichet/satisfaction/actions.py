"""Every write on surveys: opening one when a request is finished, answering it."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from guichet.cases.actions import change_status
from guichet.cases.models import Request
from guichet.cases.workflow import PERSON, IllegalTransition, workflow_for
from guichet.catalogue.models import Channel, Service
from guichet.core import clock, journal
from guichet.core.journal import Actor
from guichet.satisfaction import events
from guichet.satisfaction.links import survey_token
from guichet.satisfaction.models import Answer, Survey, SurveySettings
from guichet.satisfaction.selectors import reopens_when_not_resolved

# How long the link stays open: long enough for a holiday, short enough to mean something.
VALIDITY = timedelta(days=60)
# The workflow move a "not resolved" answer asks for (the person's own "Ce n'est pas résolu").
REOPEN_TO = "in_progress"


class SurveyError(ValueError):
    """An answer refused before anything was written; `errors` maps fields to French messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(m for messages in errors.values() for m in messages))


@transaction.atomic
def configure_service(
    *, service: Service, reopen_when_not_resolved: bool, actor: Actor
) -> SurveySettings:
    """Set whether a "not resolved" answer with a comment reopens the service's requests."""
    setting, _created = SurveySettings.objects.update_or_create(
        service=service, defaults={"reopen_when_not_resolved": reopen_when_not_resolved}
    )
    journal.append(
        kind=events.SETTINGS_CHANGED, actor=actor, subject=setting,
        payload={"service": service.slug, "reopen_when_not_resolved": reopen_when_not_resolved},
    )  # fmt: skip
    return setting


@transaction.atomic
def open_survey(*, request: Request, actor: Actor) -> Survey:
    """Open the survey for the request's current resolution (once: a second call returns it)."""
    token = survey_token(request)
    existing = Survey.objects.filter(token=token).first()
    if existing is not None:
        return existing
    now = clock.now()
    survey = Survey.objects.create(
        request=request, token=token, opened_at=now, expires_at=now + VALIDITY
    )
    journal.append(
        kind=events.SURVEY_OPENED, actor=actor, authority_id=request.authority_id,
        person_id=request.person_id, case_id=request.pk, subject=survey,
        payload={"expires_at": survey.expires_at.isoformat()},
    )  # fmt: skip
    return survey


@transaction.atomic
def answer_survey(
    *,
    survey: Survey,
    resolved: bool,
    score: int,
    comment: str = "",
    may_contact: bool = False,
) -> Answer:
    """Record the person's answer and, when they say it is not resolved and explain why,
    reopen the request if its service is set to and the workflow lets the person do it.

    Raises SurveyError (French messages) for a second answer, an expired link or bad input.
    """
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _check(survey, resolved, score)
    # Locked before deciding, so the state we check is the one change_status will find.
    request = (
        Request.objects.select_for_update(of=("self",))
        .select_related("service", "person")
        .get(pk=survey.request_id)
    )
    comment = comment.strip()
    now = clock.now()
    reopen = not resolved and bool(comment) and _may_reopen(request, comment)
    answer = Answer.objects.create(
        survey=survey, resolved=resolved, score=score, comment=comment,
        may_contact=may_contact, reopened=reopen, answered_at=now,
        authority_id=request.authority_id, service_id=request.service_id,
        team_id=request.team_id, channel=request.channel,
    )  # fmt: skip
    journal.append(
        kind=events.ANSWERED, actor=Actor.person(request.person), channel=Channel.WEB,
        authority_id=request.authority_id, case_id=request.pk, subject=answer,
        payload={"resolved": bool(resolved), "score": int(score)},
    )  # fmt: skip
    if reopen:
        change_status(
            request=request, to=REOPEN_TO, actor=Actor.person(request.person), role=PERSON,
            note=comment, channel=Channel.WEB,
        )  # fmt: skip
    return answer


def _check(survey: Survey, resolved, score) -> None:
    if Answer.objects.filter(survey=survey).exists():
        raise SurveyError({"__all__": ["Vous avez déjà répondu à ce questionnaire. Merci !"]})
    if survey.expires_at <= clock.now():
        raise SurveyError(
            {"__all__": ["Ce questionnaire a expiré : il n'est plus possible d'y répondre."]}
        )
    errors: dict[str, list[str]] = {}
    if not isinstance(resolved, bool):
        errors["resolved"] = ["Indiquez si votre demande a été résolue."]
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        errors["score"] = ["La note doit être un nombre entier de 1 à 5."]
    if errors:
        raise SurveyError(errors)


def _may_reopen(request: Request, comment: str) -> bool:
    if not reopens_when_not_resolved(request.service):
        return False
    workflow = workflow_for(request)
    try:
        workflow.ensure_allowed(request.state, REOPEN_TO, PERSON, comment=comment)
    except IllegalTransition:
        return False
    return True
