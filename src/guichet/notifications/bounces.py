"""Bounces: an address the mail system refuses for good marks its notification `bounced`.

Two ways to learn it: the SMTP server refuses the recipient with a 5xx code while we send
(no retry can help), or a delivery status notification (RFC 3464, `multipart/report`) comes
back later through `guichet mail-inbound`, quoting the Message-ID we gave the message.
"""

from __future__ import annotations

import smtplib
from email import message_from_bytes, policy
from email.message import EmailMessage

from guichet.notifications import actions
from guichet.notifications.models import Channel, Notification


def permanent_refusal(failure: Exception) -> str | None:
    """The French reason when `failure` is a permanent refusal of the recipient, else None."""
    if isinstance(failure, smtplib.SMTPRecipientsRefused) and failure.recipients:
        answers = list(failure.recipients.values())
        if all(code >= 500 for code, _ in answers):
            code, text = answers[0]
            detail = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
            return f"Adresse refusée par le serveur de messagerie ({code} {detail})."
    return None


def quoted_message_ids(raw: bytes) -> list[str]:
    """The Message-IDs a bounce refers to: its In-Reply-To/References and the original
    message's headers it carries (`message/rfc822` or `text/rfc822-headers` parts)."""
    report = message_from_bytes(raw, policy=policy.default)
    found: list[str] = []

    def add(value) -> None:
        for token in str(value or "").split():
            if token.startswith("<") and token.endswith(">") and token not in found:
                found.append(token)

    add(report.get("In-Reply-To"))
    add(report.get("References"))
    for part in report.walk() if report.is_multipart() else []:
        kind = part.get_content_type()
        if kind == "message/rfc822":
            for original in part.iter_parts() if isinstance(part, EmailMessage) else []:
                add(original.get("Message-ID"))
        elif kind == "text/rfc822-headers":
            headers = message_from_bytes(
                part.get_payload(decode=True) or b"", policy=policy.default
            )
            add(headers.get("Message-ID"))
    return found


def record_bounce_report(raw: bytes) -> int:
    """Mark `bounced` the sent e-mails a delivery status notification reports; how many."""
    ids = quoted_message_ids(raw)
    if not ids:
        return 0
    bounced = Notification.objects.filter(
        channel=Channel.EMAIL, provider_message_id__in=ids, status=Notification.Status.SENT
    )
    return sum(
        actions.record_bounce(
            notification=n, error="Avis de non-remise reçu : adresse refusée par le destinataire."
        )
        for n in bounced
    )
