"""The inbound mail's share of an erasure (people.rights.erasure, ADR 0025).

An e-mail received from the person, linked to them or to one of their requests, or sent from one
of their addresses, keeps its date, status and outcome; its sender, subject and raw message
(the .eml file) go.
"""

from __future__ import annotations

from django.db.models import Q

from guichet.channels.models import InboundMail
from guichet.people.rights.erasure import ERASED, Batch, Part, register, write_rows


def _erase(batch: Batch) -> dict[str, int]:
    theirs = Q(person_id__in=batch.person_ids)
    if batch.cases:
        theirs |= Q(request_id__in=list(batch.cases))
    for values in batch.values.values():
        for value in values:
            if "@" in value:
                theirs |= Q(sender__icontains=value) | Q(envelope_from__iexact=value)
    mails = list(InboundMail.objects.filter(theirs))
    for mail in mails:
        batch.delete_file(mail.raw)
        owner = mail.person_id if mail.person_id in batch.owner else None
        if owner is None and mail.request_id is not None:
            owner = batch.cases.get(mail.request_id)
        mail.reason = batch.scrub(owner, mail.reason)
        mail.envelope_from = mail.sender = ""
        mail.subject = ERASED if mail.subject else ""
        mail.recipients = []
        mail.raw = ""
    write_rows(
        InboundMail, mails, ["reason", "envelope_from", "sender", "subject", "recipients", "raw"]
    )
    return {"inbound_mails": len(mails)}


register(Part(name="channels", order=30, erase=_erase))
