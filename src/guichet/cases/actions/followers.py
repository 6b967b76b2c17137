"""Following a request someone else filed ("suivre ce signalement", issue 16).

A follower gets the request's notifications (without the filer's personal data) and counts as
one more report of the same thing. The merge of a duplicate makes its person a follower too
(`Follower.Source.MERGE`, written by the merge action).
"""

from __future__ import annotations

from django.db import transaction

from guichet.cases.actions._common import lock
from guichet.cases.models import Follower, Request
from guichet.core import clock, journal
from guichet.core.journal import Actor
from guichet.people.actions import Applicant, person_for
from guichet.people.models import Person

FOLLOWED = "cases.request-followed"
UNFOLLOWED = "cases.request-unfollowed"


class FollowError(ValueError):
    """A follow or unfollow refused before anything was written (French message)."""


def _applicant(person: Person | Applicant) -> Applicant:
    return person if isinstance(person, Applicant) else Applicant(person=person)


@transaction.atomic
def follow_request(
    *,
    request: Request,
    person: Person | Applicant,
    actor: Actor | None = None,
    registrar: Actor | None = None,
    channel: str = "web",
) -> Follower:
    """Make `person` a follower of `request`; returns the Follower row.

    `person` is a known Person, or an `Applicant` (what a visitor typed: e-mail or phone)
    found or created as a filing does (`people.actions.person_for`, written by `registrar`).
    Refused (FollowError) for a closed request, a designer's test request, a duplicate merged
    into another, and the request's own person. Following twice is harmless: the existing row
    is returned and nothing is appended. Appends `cases.request-followed` (not shown to the
    filer: who follows their request is none of their business).
    """
    applicant = _applicant(person)
    applicant.check()
    request = lock(request)
    _ensure_followable(request)
    if applicant.person is None and registrar is None and actor is None:
        raise TypeError("follow_request: a new follower's record needs a `registrar`")
    found = person_for(
        applicant=applicant, actor=registrar or actor or Actor.system(), channel=channel
    ).person
    if found.pk == request.person_id:
        raise FollowError("C'est votre propre signalement : vous en êtes déjà informé(e).")
    existing = Follower.objects.filter(request=request, person=found).first()
    if existing is not None:
        return existing
    follower = Follower.objects.create(
        request=request, person=found, source=Follower.Source.FOLLOW, created_at=clock.now()
    )
    _append(FOLLOWED, request, found, actor or Actor.person(found), channel=channel)
    return follower


@transaction.atomic
def unfollow_request(*, request: Request, person: Person, actor: Actor | None = None) -> bool:
    """Stop `person` following `request`; False when they did not follow it (nothing written).

    A follower who came from a merge stops following through the unmerge, not here.
    """
    request = lock(request)
    row = Follower.objects.filter(
        request=request, person=person, source=Follower.Source.FOLLOW
    ).first()
    if row is None:
        return False
    row.delete()
    _append(UNFOLLOWED, request, person, actor or Actor.person(person), channel="")
    return True


def _ensure_followable(request: Request) -> None:
    if request.is_test:
        raise FollowError("Cette demande d'essai ne peut pas être suivie.")
    if request.duplicate_of_id is not None:
        raise FollowError("Ce signalement a été regroupé avec un autre : suivez plutôt celui-ci.")
    if not request.is_open:
        raise FollowError("Ce signalement est clos : il ne peut plus être suivi.")


def _append(kind: str, request: Request, person: Person, actor: Actor, *, channel: str) -> None:
    # The event is the follower's (their journal shows it), on the request's case (journeys
    # count it as one more report); never shown to the filer.
    journal.append(
        kind=kind, actor=actor, channel=channel, authority_id=request.authority_id,
        person_id=person.pk, case=request, visible_to_person=False,
        payload={
            "reference": request.reference,
            "followers": Follower.objects.filter(request=request).count(),
        },
    )  # fmt: skip
