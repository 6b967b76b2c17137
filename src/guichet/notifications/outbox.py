"""Writing the outbox: turn a journal event into notification rows, in the same transaction.

`on_event` is subscribed with `journal.subscribe_in_transaction`, so a row exists exactly when
the change that caused it committed (ADR 0007).
"""

from __future__ import annotations

from django.conf import settings

from guichet.cases.models import Message, Request
from guichet.core import clock, rows
from guichet.core.models import Event
from guichet.notifications import optout
from guichet.notifications.models import Channel, Notification
from guichet.notifications.rules import message_kind_for
from guichet.notifications.tasks import wake_worker
from guichet.notifications.templating import render
from guichet.people.models import Identity, Person
from guichet.people.selectors import NotificationChoices, notification_choices, wants
from guichet.satisfaction.links import survey_url

# Every channel a request message can go by, with the identity that gives its address.
IDENTITY_FOR = {Channel.EMAIL: Identity.Kind.EMAIL, Channel.SMS: Identity.Kind.PHONE}


def on_event(event: Event) -> None:
    """The journal hook: queue what the rules say this request event sends."""
    if event.case_id is None or event.person_id is None or getattr(event, "replayed", False):
        return  # a replayed past (the demo's history) tells nobody anything
    message_kind = message_kind_for(event.kind, event.payload, event.visible_to_person)
    if message_kind is None:
        return
    request = getattr(event, "case_object", None)
    if request is None or request.pk != event.case_id:
        request = Request.objects.select_related("service", "authority", "person").get(
            pk=event.case_id
        )
    # Read once for every channel: the person's choices (one query, none when the filing that
    # created the person passed them on) and the variables.
    choices = getattr(event, "known", {}).get("notification_choices")
    if choices is None:
        choices = notification_choices(request.person)
    variables = variables_for(request, event)
    for channel in IDENTITY_FOR:
        enqueue(
            person=request.person, channel=channel, message_kind=message_kind,
            request=request, authority=request.authority, variables=variables,
            idempotency_key=f"event:{event.pk}:{channel}", choices=choices, new_key=True,
        )  # fmt: skip


def variables_for(request: Request, event: Event) -> dict[str, str]:
    """The safe variables of a request message (templating.VARIABLES), as plain strings."""
    payload = event.payload or {}
    message = ""
    if payload.get("message"):
        found = Message.objects.filter(pk=payload["message"]).first()
        message = found.body if found else ""
    return {
        "usager": str(request.person) if str(request.person).strip() else "Madame, Monsieur",
        "reference": request.reference,
        "service": request.service.name,
        "etat": request.get_public_status_display(),
        "lien_suivi": tracking_url(request),
        "collectivite": request.authority.name,
        "motif": payload.get("note") or payload.get("reason") or "",
        "message": message,
        # the satisfaction survey of this resolution ("" until the request is resolved)
        "lien_enquete": survey_url(request),
    }


def tracking_url(request: Request) -> str:
    return f"{settings.GUICHET_BASE_URL}/suivi/{request.reference}?cle={request.tracking_secret}"


def recipient_of(person: Person, channel: str) -> str:
    """The address to use: the best-verified, then newest, identity of the channel's kind."""
    identity = (
        person.identities.filter(kind=IDENTITY_FOR[channel])
        .order_by("-verification", "-created_at")
        .first()
    )
    return identity.value if identity else ""


def enqueue(
    *,
    person: Person,
    channel: str,
    message_kind: str,
    variables: dict[str, str],
    idempotency_key: str,
    request: Request | None = None,
    authority=None,
    choices: NotificationChoices | None = None,
    new_key: bool = False,
) -> Notification | None:
    """Queue one message if the person wants it on this channel (consent, preferences).

    Call inside the transaction of the change that causes it. Returns None when nothing is
    to be sent; the same `idempotency_key` twice queues one message. `choices` is
    `people.selectors.notification_choices(person)` when the caller read it already;
    `new_key` says the key cannot have been used yet (it names an event appended in this
    transaction), so the row is inserted without looking for it first.
    """
    if not wants(person, message_kind, channel, choices=choices):
        return None
    if choices is not None:
        recipient = choices.recipient(IDENTITY_FOR[channel])
    else:
        recipient = recipient_of(person, channel)
    if not recipient:
        return None
    rendered = render(
        authority=authority, message_kind=message_kind, variables=variables,
        unsubscribe_url=optout.url_for(person.pk), channel=channel,
        service_id=request.service_id if request is not None else None,
    )  # fmt: skip
    fields = {
        "person": person, "request": request, "authority": authority, "channel": channel,
        "message_kind": message_kind, "recipient": recipient,
        "subject": rendered.subject if channel == Channel.EMAIL else "",
        "text": rendered.text if channel == Channel.EMAIL else rendered.sms,
        "html": rendered.html if channel == Channel.EMAIL else "",
        "next_attempt_at": clock.now(),
    }  # fmt: skip
    if new_key:
        notification = rows.insert(Notification(idempotency_key=idempotency_key, **fields))
        created = True
    else:
        notification, created = Notification.objects.get_or_create(
            idempotency_key=idempotency_key, defaults=fields
        )
    if created:
        wake_worker()
    return notification
