"""Writes on the outbox that the request timeline shows: a message sent, a message failed."""

from __future__ import annotations

from django.db import transaction

from guichet.core import clock, journal
from guichet.core.journal import Actor
from guichet.notifications.models import Notification

SENT = "notification.sent"
FAILED = "notification.failed"
WORKER = Actor.system("envoi des notifications")

Status = Notification.Status


def _claimed(notification: Notification):
    # Only the claim we hold: if our lease ran out and another worker took the row back, its
    # outcome is the one that counts.
    return Notification.objects.filter(
        pk=notification.pk, status=Status.SENDING, attempts=notification.attempts
    )


@transaction.atomic
def record_sent(*, notification: Notification, provider_message_id: str = "") -> bool:
    """Mark a claimed notification sent; False when the claim was lost meanwhile."""
    now = clock.now()
    updated = _claimed(notification).update(
        status=Status.SENT, sent_at=now, provider_message_id=provider_message_id[:200],
        last_error="", claimed_until=None,
    )  # fmt: skip
    if updated:
        _append(SENT, notification, provider_message_id=provider_message_id)
    return bool(updated)


@transaction.atomic
def record_failure(
    *, notification: Notification, error: str, retry_at=None, bounced: bool = False
) -> bool:
    """A delivery attempt failed: queue it again at `retry_at`, or fail it for good (None)."""
    fields = {"last_error": error[:2000], "claimed_until": None}
    if retry_at is not None:
        fields |= {"status": Status.QUEUED, "next_attempt_at": retry_at}
    else:
        fields["status"] = Status.BOUNCED if bounced else Status.FAILED
    updated = _claimed(notification).update(**fields)
    if updated and retry_at is None:
        _append(FAILED, notification, error=error[:500], bounced=bounced)
    return bool(updated)


def _append(kind: str, notification: Notification, **payload) -> None:
    journal.append(
        kind=kind,
        actor=WORKER,
        channel=notification.channel,
        authority_id=notification.authority_id,
        person_id=notification.person_id,
        case_id=notification.request_id,
        subject=notification,
        visible_to_person=False,
        payload={
            "notification": notification.pk, "channel": notification.channel,
            "message_kind": notification.message_kind, "attempts": notification.attempts,
            **payload,
        },
    )  # fmt: skip


BROADCAST_QUEUED = "notification.broadcast_queued"
BATCH = 5000
# Stand-ins rendered once, replaced per person: rendering 100,000 templates would take minutes.
_NAME, _OPTOUT = "\u27e6usager\u27e7", "\u27e6desabonnement\u27e7"


@transaction.atomic
def broadcast(
    *,
    authority,
    actor: Actor,
    message: str,
    channels: list[str],
    communes: list | None = None,
    categories: list[str] | None = None,
) -> int:
    """Queue an information message to every opted-in person of the segment; returns how many.

    Raises ValueError (French message) for an empty message or an unknown channel.
    """
    from guichet.notifications import optout, selectors
    from guichet.notifications.models import Channel, MessageKind
    from guichet.notifications.templating import render

    if not message.strip():
        raise ValueError("Le message est vide.")
    if not channels or any(c not in Channel.values for c in channels):
        raise ValueError("Choisissez le courriel et/ou le SMS.")
    rendered = render(
        authority=authority, message_kind=MessageKind.BROADCAST,
        variables={"usager": _NAME, "collectivite": authority.name, "message": message.strip()},
        unsubscribe_url=_OPTOUT,
    )  # fmt: skip
    now = clock.now()
    stamp = now.strftime("%Y%m%dT%H%M%S.%f")
    total = 0
    for channel in channels:
        audience = selectors.broadcast_audience(
            authority=authority, channel=channel, communes=communes, categories=categories
        ).values_list("pk", "first_name", "last_name", "recipient")
        is_email = channel == Channel.EMAIL
        rows = []
        for person_id, first_name, last_name, recipient in audience.iterator(chunk_size=BATCH):
            name = f"{first_name} {last_name}".strip() or "Madame, Monsieur"
            link = optout.url_for(person_id)

            def personal(text: str, name=name, link=link) -> str:
                return text.replace(_NAME, name).replace(_OPTOUT, link)

            rows.append(
                Notification(
                    person_id=person_id,
                    authority=authority,
                    channel=channel,
                    message_kind=MessageKind.BROADCAST,
                    recipient=recipient,
                    subject=personal(rendered.subject) if is_email else "",
                    text=personal(rendered.text if is_email else rendered.sms),
                    html=personal(rendered.html) if is_email else "",
                    next_attempt_at=now,
                    idempotency_key=f"broadcast:{stamp}:{channel}:{person_id}",
                )  # fmt: skip
            )
            if len(rows) >= BATCH:
                Notification.objects.bulk_create(rows)
                total, rows = total + len(rows), []
        Notification.objects.bulk_create(rows)
        total += len(rows)
    journal.append(
        kind=BROADCAST_QUEUED, actor=actor, authority_id=authority.pk,
        payload={"channels": channels, "queued": total, "message": message.strip()[:500]},
    )  # fmt: skip
    return total
