"""Reads on notifications: a broadcast's audience, a person's messages."""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery

from guichet.authorities.models import Authority
from guichet.cases.models import Request
from guichet.notifications.models import Channel, MessageKind, Notification
from guichet.people.models import Consent, Identity, NotificationPreference, Person

IDENTITY_FOR = {Channel.EMAIL: Identity.Kind.EMAIL, Channel.SMS: Identity.Kind.PHONE}


def territory_of(authority: Authority) -> Q:
    """Persons living where `authority` serves (operators have no territory of their own)."""
    if authority.commune_id:
        return Q(commune_id=authority.commune_id)
    if authority.intercommunality_id:
        return Q(commune__intercommunalities=authority.intercommunality_id)
    if authority.departement_id:
        return Q(commune__departement_id=authority.departement_id)
    return Q(pk__in=[])


def _latest_consent(purpose: str) -> Subquery:
    return Subquery(
        Consent.objects.filter(person=OuterRef("pk"), purpose=purpose)
        .order_by("-decided_at", "-id")
        .values("granted")[:1]
    )


def broadcast_audience(
    *,
    authority: Authority,
    channel: str,
    communes: list | None = None,
    categories: list[str] | None = None,
) -> QuerySet[Person]:
    """Persons of a segment who opted in to the authority's information on `channel`.

    The same rule as `people.selectors.wants(person, "broadcast", channel)`, as one query so a
    100,000-person audience is counted and queued in seconds. Each person carries `recipient`.
    """
    persons = Person.objects.filter(territory_of(authority), merged_into__isnull=True)
    if communes:
        persons = persons.filter(commune__in=communes)
    if categories:
        persons = persons.filter(category__in=categories)
    preference = Subquery(
        NotificationPreference.objects.filter(
            person=OuterRef("pk"), message_kind=MessageKind.BROADCAST, channel=channel
        ).values("enabled")[:1]
    )
    recipient = Subquery(
        Identity.objects.filter(person=OuterRef("pk"), kind=IDENTITY_FOR[channel])
        .order_by("-verification", "-created_at")
        .values("value")[:1]
    )
    persons = persons.annotate(
        broadcast_ok=_latest_consent(Consent.Purpose.BROADCAST),
        notifications_ok=_latest_consent(Consent.Purpose.NOTIFICATIONS),
        preference=preference,
        recipient=recipient,
    ).filter(
        Q(notifications_ok__isnull=True) | Q(notifications_ok=True),
        broadcast_ok=True,
        recipient__isnull=False,
    )
    # Default like `wants`: e-mail unless declined, SMS only when asked for.
    if channel == Channel.EMAIL:
        return persons.filter(Q(preference__isnull=True) | Q(preference=True)).distinct()
    return persons.filter(preference=True).distinct()


def messages_of(person: Person) -> QuerySet[Notification]:
    """What was sent, or is to be sent, to `person`, newest first (the agents' view)."""
    return Notification.objects.filter(person=person).order_by("-created_at", "-id")


def messages_about(request: Request) -> QuerySet[Notification]:
    """The messages a request caused to its person, newest first, for the agents' request
    page (its followers' messages and addresses are theirs, not the request's: issue 16)."""
    return (
        Notification.objects.filter(request=request, person_id=request.person_id)
        .only(
            "channel",
            "message_kind",
            "recipient",
            "status",
            "attempts",
            "last_error",
            "created_at",
            "sent_at",
        )  # fmt: skip
        .order_by("-created_at", "-pk")
    )
