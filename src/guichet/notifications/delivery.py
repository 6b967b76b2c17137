"""Delivering the outbox: claim → send → mark, with retries and exponential backoff.

A claim commits `sending` with a lease before anything leaves; a worker that dies mid-send
leaves the row `sending` until the lease runs out, then any worker takes it back and sends it
again with the same idempotency key (SMTP Message-ID, gateway Idempotency-Key). So nothing is
lost; a duplicate is only possible when the transport accepted the message and the worker
died before marking it, and carries the same identifier (ADR 0007).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F, Q

from guichet.core import clock
from guichet.notifications import actions, optout
from guichet.notifications.models import Channel, MessageKind, Notification
from guichet.notifications.transports.base import SmsMessage, TransportError
from guichet.notifications.transports.registry import sms_transports
from guichet.people.models import Consent

logger = logging.getLogger(__name__)
Status = Notification.Status


def max_attempts() -> int:
    return getattr(settings, "GUICHET_NOTIFICATIONS_MAX_ATTEMPTS", 5)


def backoff(attempts: int) -> timedelta:
    """Wait before attempt `attempts + 1`: base, 2×base, 4×base… capped at six hours."""
    base = getattr(settings, "GUICHET_NOTIFICATIONS_RETRY_BASE_SECONDS", 30)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def claim(*, limit: int = 50, lease_seconds: int | None = None) -> list[Notification]:
    """Take up to `limit` due rows (queued, or `sending` past their lease) for this worker."""
    lease = lease_seconds or getattr(settings, "GUICHET_NOTIFICATIONS_LEASE_SECONDS", 300)
    now = clock.now()
    due = Q(status=Status.QUEUED, next_attempt_at__lte=now) | Q(
        status=Status.SENDING, claimed_until__lt=now
    )
    claimed = []
    with transaction.atomic():
        candidates = Notification.objects.filter(due).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            # PostgreSQL: workers skip each other's rows instead of waiting on them.
            candidates = candidates.select_for_update(skip_locked=True)
        for row in candidates[:limit]:
            # The conditional update is the claim on SQLite (no row locks): a row another
            # worker took since we read it no longer matches.
            taken = Notification.objects.filter(
                pk=row.pk, status=row.status, attempts=row.attempts
            ).update(
                status=Status.SENDING, attempts=F("attempts") + 1,
                claimed_until=now + timedelta(seconds=lease),
            )  # fmt: skip
            if taken:
                row.status, row.attempts = Status.SENDING, row.attempts + 1
                claimed.append(row)
    return claimed


def message_id(notification: Notification) -> str:
    digest = hashlib.sha256(notification.idempotency_key.encode()).hexdigest()[:32]
    domain = getattr(settings, "GUICHET_NOTIFICATIONS_MESSAGE_ID_DOMAIN", "guichet.localhost")
    return f"<{digest}@{domain}>"


def send_email(notification: Notification, smtp=None) -> str:
    email = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
        connection=smtp,
        headers={
            "Message-ID": message_id(notification),
            "List-Unsubscribe": f"<{optout.url_for(notification.person_id)}>",
        },
    )
    if notification.html:
        email.attach_alternative(notification.html, "text/html")
    email.send()
    return message_id(notification)


def send_sms(notification: Notification) -> str:
    name = getattr(settings, "GUICHET_SMS_TRANSPORT", "generic_http")
    return sms_transports[name].send(
        SmsMessage(
            to=notification.recipient, text=notification.text,
            sender=getattr(settings, "GUICHET_SMS_SENDER", ""),
            idempotency_key=notification.idempotency_key,
        ),
        getattr(settings, "GUICHET_SMS_OPTIONS", {}),
    )  # fmt: skip


def withdrawn(batch: list[Notification]) -> set[int]:
    """Persons of `batch` whose latest decision withdrew a consent their messages need.

    One query per batch instead of `people.selectors.wants` per message (the same consent
    rule); preferences are applied when a message is queued.
    """
    latest: dict[tuple[int, str], bool] = {}
    decisions = Consent.objects.filter(
        person_id__in={n.person_id for n in batch},
        purpose__in=[Consent.Purpose.NOTIFICATIONS, Consent.Purpose.BROADCAST],
    ).order_by("person_id", "purpose", "-decided_at", "-id")
    for person_id, purpose, granted in decisions.values_list("person_id", "purpose", "granted"):
        latest.setdefault((person_id, purpose), granted)
    refused = set()
    for n in batch:
        if latest.get((n.person_id, Consent.Purpose.NOTIFICATIONS)) is False or (
            n.message_kind == MessageKind.BROADCAST
            and not latest.get((n.person_id, Consent.Purpose.BROADCAST), False)
        ):
            refused.add(n.pk)
    return refused


def deliver(notification: Notification, smtp=None, *, consented: bool = True) -> str:
    """Send one claimed notification and record the outcome; returns its new status."""
    if not consented:
        actions.record_failure(notification=notification, error="consentement retiré")
        return Status.FAILED
    try:
        if notification.channel == Channel.EMAIL:
            provider_id = send_email(notification, smtp)
        else:
            provider_id = send_sms(notification)
    except (TransportError, OSError, ValueError) as failure:
        error = str(failure) or failure.__class__.__name__
        final = notification.attempts >= max_attempts()
        retry_at = None if final else clock.now() + backoff(notification.attempts)
        actions.record_failure(notification=notification, error=error, retry_at=retry_at)
        return Status.FAILED if final else Status.QUEUED
    actions.record_sent(notification=notification, provider_message_id=provider_id)
    return Status.SENT


def deliver_due(*, limit: int = 50, lease_seconds: int | None = None) -> int:
    """Claim and deliver one batch; returns how many were claimed (0: nothing is due)."""
    batch = claim(limit=limit, lease_seconds=lease_seconds)
    if not batch:
        return 0
    refused = withdrawn(batch)
    smtp = None
    if any(n.channel == Channel.EMAIL for n in batch):
        # One SMTP session for the batch; a failure to connect fails each e-mail's attempt.
        smtp = get_connection(fail_silently=False)
        try:
            smtp.open()
        except OSError:
            smtp = None
    try:
        for notification in batch:
            deliver(notification, smtp, consented=notification.pk not in refused)
    finally:
        if smtp is not None:
            smtp.close()
    return len(batch)
