"""Delivering the outbox: claim → send → mark, with retries and exponential backoff.

A claim commits `sending` with a lease before anything leaves; a worker that dies mid-send
leaves the row `sending` until the lease runs out, then any worker takes it back and sends it
again with the same idempotency key (SMTP Message-ID, gateway Idempotency-Key). So nothing is
lost; a duplicate is only possible when the transport accepted the message and the worker
died before marking it, and carries the same identifier (ADR 0007).

Throughput (benchmarks/notifications.py): a batch is claimed with one UPDATE, sent over
`sessions` SMTP connections in parallel (threads that only talk SMTP: every database write
stays in the calling thread), and marked `sent` every `MARK_EVERY` messages in one transaction.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import queue
import threading
import zlib
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import Q

from guichet.appointments.ics import attach_to
from guichet.channels.inbound_mail import reply_address
from guichet.core import clock
from guichet.notifications import actions, bounces, mime, optout
from guichet.notifications.models import Channel, MessageKind, Notification
from guichet.notifications.transports.base import SmsMessage, TransportError
from guichet.notifications.transports.registry import sms_transports
from guichet.people.models import Consent

logger = logging.getLogger(__name__)
Status = Notification.Status

# Sent messages recorded per transaction. It bounds what a killed worker sends twice (each
# copy with the same Message-ID): at most this many, against one commit per message before.
MARK_EVERY = 100


def max_attempts() -> int:
    return getattr(settings, "GUICHET_NOTIFICATIONS_MAX_ATTEMPTS", 5)


def backoff(attempts: int) -> timedelta:
    """Wait before attempt `attempts + 1`: base, 2×base, 4×base… capped at six hours."""
    base = getattr(settings, "GUICHET_NOTIFICATIONS_RETRY_BASE_SECONDS", 30)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def smtp_sessions() -> int:
    return max(1, getattr(settings, "GUICHET_NOTIFICATIONS_SMTP_SESSIONS", 4))


def claim(*, limit: int = 50, lease_seconds: int | None = None) -> list[Notification]:
    """Take up to `limit` due rows (queued, or `sending` past their lease) for this worker."""
    lease = lease_seconds or getattr(settings, "GUICHET_NOTIFICATIONS_LEASE_SECONDS", 300)
    now = clock.now()
    until = now + timedelta(seconds=lease)
    due = Q(status=Status.QUEUED, next_attempt_at__lte=now) | Q(
        status=Status.SENDING, claimed_until__lt=now
    )
    claimed = []
    with transaction.atomic():
        # The request is read here for the Reply-To, so the sending threads never query.
        candidates = (
            Notification.objects.filter(due)
            .select_related("request")
            .order_by("next_attempt_at", "pk")
        )
        if connection.features.has_select_for_update_skip_locked:
            # PostgreSQL: workers skip each other's rows instead of waiting on them (and lock
            # only the outbox rows, not the requests).
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        groups: dict[tuple[str, int], list[Notification]] = defaultdict(list)
        for row in candidates[:limit]:
            groups[(row.status, row.attempts)].append(row)
        for (status, attempts), rows in groups.items():
            pks = [row.pk for row in rows]
            # The conditional UPDATE is the claim where rows cannot be locked (SQLite): a row
            # another worker took since we read it no longer matches.
            taken = Notification.objects.filter(pk__in=pks, status=status, attempts=attempts)
            count = taken.update(status=Status.SENDING, attempts=attempts + 1, claimed_until=until)
            if count != len(rows):
                # Some were taken meanwhile: ours are the rows carrying this claim's lease.
                ours = set(
                    Notification.objects.filter(
                        pk__in=pks, status=Status.SENDING, attempts=attempts + 1,
                        claimed_until=until,
                    ).values_list("pk", flat=True)
                )  # fmt: skip
                rows = [row for row in rows if row.pk in ours]
            for row in rows:
                row.status, row.attempts, row.claimed_until = Status.SENDING, attempts + 1, until
            claimed += rows
    claimed.sort(key=lambda row: (row.next_attempt_at, row.pk))
    return claimed


def message_id(notification: Notification) -> str:
    digest = hashlib.sha256(notification.idempotency_key.encode()).hexdigest()[:32]
    domain = getattr(settings, "GUICHET_NOTIFICATIONS_MESSAGE_ID_DOMAIN", "guichet.localhost")
    return f"<{digest}@{domain}>"


class _Email(EmailMultiAlternatives):
    """A Django e-mail that is cheaper to turn into bytes (see `mime`).

    Its MIME boundaries are given instead of searched for: the standard library picks a random
    one and compiles a regular expression per message to check the body does not contain it;
    one derived from the idempotency key cannot appear in our own text.
    """

    boundary_seed = ""

    def message(self, *args, **kwargs):
        msg = super().message(*args, **kwargs)
        for number, part in enumerate(msg.walk()):
            if part.is_multipart():
                part.set_boundary(f"=_guichet_{self.boundary_seed}_{number}")
        # What Django's SMTP backend calls to send it.
        msg.as_bytes = functools.partial(mime.as_bytes, msg)
        return msg


def unsubscribe_headers(notification: Notification) -> dict[str, str]:
    """`List-Unsubscribe` on every e-mail; a broadcast's unsubscribes from the authority's
    information only, in one click from the mail client (RFC 8058: the client POSTs
    `List-Unsubscribe=One-Click` to the URL, see `views_optout`)."""
    if notification.message_kind == MessageKind.BROADCAST:
        return {
            "List-Unsubscribe": f"<{optout.url_for(notification.person_id, broadcast=True)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    return {"List-Unsubscribe": f"<{optout.url_for(notification.person_id)}>"}


def send_email(notification: Notification, smtp=None) -> str:
    identifier = message_id(notification)
    email = _Email(
        subject=notification.subject,
        body=notification.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
        connection=smtp,
        headers=unsubscribe_headers(notification) | {"Message-ID": identifier},
    )
    email.boundary_seed = identifier[1:33]
    if notification.request is not None and (reply_to := reply_address(notification.request)):
        email.reply_to = [reply_to]
    if notification.html:
        email.attach_alternative(notification.html, "text/html")
    attach_to(email, notification)
    email.send()
    return identifier


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


def record_failed_attempt(notification: Notification, failure: Exception) -> str:
    """Queue a failed attempt again after its backoff, or fail it; returns the new status."""
    refused = bounces.permanent_refusal(failure)
    if refused:
        # The receiving server refused the address for good: retrying cannot help.
        actions.record_failure(notification=notification, error=refused, bounced=True)
        return Status.BOUNCED
    error = str(failure) or failure.__class__.__name__
    final = notification.attempts >= max_attempts()
    retry_at = None if final else clock.now() + backoff(notification.attempts)
    actions.record_failure(notification=notification, error=error, retry_at=retry_at)
    return Status.FAILED if final else Status.QUEUED


class _Marks:
    """Sent messages waiting for their `sent` mark, written every MARK_EVERY."""

    def __init__(self) -> None:
        self.pending: list[tuple[Notification, str]] = []

    def add(self, notification: Notification, provider_id: str) -> None:
        self.pending.append((notification, provider_id))
        if len(self.pending) >= MARK_EVERY:
            self.flush()

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        actions.record_sent_many(sent=pending)


def deliver_due(
    *, limit: int = 50, lease_seconds: int | None = None, sessions: int | None = None
) -> int:
    """Claim and deliver one batch; returns how many were claimed (0: nothing is due)."""
    batch = claim(limit=limit, lease_seconds=lease_seconds)
    if not batch:
        return 0
    refused = withdrawn(batch)
    marks = _Marks()
    emails = []
    try:
        for notification in batch:
            if notification.pk in refused:
                actions.record_failure(notification=notification, error="consentement retiré")
            elif notification.channel == Channel.EMAIL:
                emails.append(notification)
            else:
                try:
                    marks.add(notification, send_sms(notification))
                except (TransportError, OSError, ValueError) as failure:
                    record_failed_attempt(notification, failure)
        for notification, outcome in _send_emails(emails, sessions or smtp_sessions()):
            if isinstance(outcome, Exception):
                record_failed_attempt(notification, outcome)
            else:
                marks.add(notification, outcome)
    finally:
        marks.flush()
    return len(batch)


_DONE = object()


def _send_emails(emails: list[Notification], sessions: int):
    """Yield (notification, Message-ID or the exception) as each e-mail is sent.

    With several sessions, threads send over their own SMTP connection and the caller's
    thread receives the outcomes, so that every database write stays in that thread.
    """
    if not settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
        sessions = 1  # console, in-memory (demo, tests): nothing to overlap, output to keep whole
    sessions = min(sessions, len(emails))
    if sessions <= 1:
        yield from _session(emails)
        return
    outcomes: queue.Queue = queue.Queue()
    crashed: list[BaseException] = []

    def run(part: list[Notification]) -> None:
        try:
            for outcome in _session(part):
                outcomes.put(outcome)
        except BaseException as bug:  # re-raised in the caller's thread, below
            crashed.append(bug)
        finally:
            outcomes.put(_DONE)

    # One recipient's messages go through one session, in the batch's order: a person reads
    # "en cours" before "traitée".
    parts: list[list[Notification]] = [[] for _ in range(sessions)]
    for notification in emails:
        parts[zlib.crc32(notification.recipient.encode()) % sessions].append(notification)
    threads = [
        threading.Thread(target=run, args=(part,), name=f"smtp-{i}", daemon=True)
        for i, part in enumerate(parts)
    ]
    for thread in threads:
        thread.start()
    running = len(threads)
    while running:
        outcome = outcomes.get()
        if outcome is _DONE:
            running -= 1
        else:
            yield outcome
    if crashed:
        raise crashed[0]


def _session(emails: list[Notification]):
    """Send `emails` over one SMTP connection; a failure to connect fails each attempt."""
    if not emails:
        return
    smtp = get_connection(fail_silently=False)
    try:
        smtp.open()
    except OSError:
        smtp = None
    try:
        for notification in emails:
            try:
                yield notification, send_email(notification, smtp)
            except (OSError, ValueError) as failure:
                yield notification, failure
    finally:
        if smtp is not None:
            with contextlib.suppress(OSError):
                smtp.close()
