"""Every write of the channels app: recording what became of an inbound e-mail."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from guichet.channels import events
from guichet.channels.models import InboundMail
from guichet.core import clock, journal
from guichet.core.journal import Actor

_KINDS = {
    InboundMail.Status.ACCEPTED: events.MAIL_ACCEPTED,
    InboundMail.Status.QUARANTINED: events.MAIL_QUARANTINED,
    InboundMail.Status.REJECTED: events.MAIL_REJECTED,
}


@transaction.atomic
def record_inbound_mail(
    *,
    actor: Actor,
    status: str,
    reason: str = "",
    raw: bytes | None = None,
    outcome: str = "",
    envelope_from: str = "",
    sender: str = "",
    recipients: list[str] | None = None,
    subject: str = "",
    message_id: str = "",
    size: int | None = None,
    request: Any = None,
    person: Any = None,
    authority: Any = None,
) -> InboundMail:
    """Keep an inbound e-mail (its raw bytes as an .eml file) with its status and reason.

    The event carries no case: the request's own event (received, replied) is what its
    timeline and the journey log show; this one is the intake's audit trail.
    """
    if status not in _KINDS:
        raise ValueError(f"état inconnu : {status}")
    mail = InboundMail(
        received_at=clock.now(), status=status, outcome=outcome, reason=reason[:500],
        envelope_from=envelope_from[:320], sender=sender[:320], recipients=recipients or [],
        subject=subject[:300], message_id=message_id[:300],
        size=size if size is not None else len(raw or b""),
        request=request, person=person, authority=authority,
    )  # fmt: skip
    if raw is not None:
        mail.raw.save(f"{uuid.uuid4().hex}.eml", ContentFile(raw), save=False)
    mail.save()
    journal.append(
        kind=_KINDS[status],
        actor=actor,
        channel="email",
        authority_id=mail.authority_id,
        person_id=mail.person_id,
        subject=mail,
        payload={
            # No address or subject here: the journal feeds analytics and open data.
            "reason": mail.reason, "outcome": outcome,
            "reference": request.reference if request else "",
        },
    )  # fmt: skip
    return mail
