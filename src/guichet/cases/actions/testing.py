"""A designer's test request on a draft (ADR 0027): filed like any other, marked as a test."""

from __future__ import annotations

from typing import Any

from guichet.cases.actions.intake import IntakeError, file_request
from guichet.cases.models import Request
from guichet.catalogue.models import ServiceVersion
from guichet.core.journal import Actor
from guichet.people.actions import Applicant
from guichet.people.models import Person


def file_test_request(
    *, draft: ServiceVersion, by: Actor, person: Person, channel: str = "web", **filing: Any
) -> Request:
    """File a test request on `draft` for `person` (the designer's own record, or a fictitious
    one) through the one filing path: checked against the draft's form, following its
    workflow, kept out of queues, statistics, journeys, open data and the API's lists
    (`Request.is_test`). One event, `request.received`, like any filing. Raises IntakeError
    when `draft` is not a draft.
    """
    if not draft.is_draft:
        raise IntakeError({"service": ["Les demandes de test se déposent sur un brouillon."]})
    return file_request(
        service=draft.service, applicant=Applicant(person=person), channel=channel, actor=by,
        version=draft, **filing,
    )  # fmt: skip
