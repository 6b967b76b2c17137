"""The e-mails a person sent to the platform, in their data export (people.rights.export):
what was recorded of each, and the message itself as received (.eml)."""

from __future__ import annotations

from typing import Any

from guichet.channels.models import InboundMail
from guichet.people.rights.export import Collector, Section, register_section


def inbound_mail_section(collector: Collector) -> list[dict[str, Any]]:
    rows = []
    for mail in (
        InboundMail.objects.filter(person_id__in=collector.person_ids)
        .select_related("request", "authority")
        .order_by("received_at", "pk")
    ):
        raw = collector.add_file("courriels", f"{mail.pk}.eml", mail.raw) if mail.raw else None
        rows.append(
            {
                "recu_le": mail.received_at,
                "expediteur": mail.sender,
                "destinataires": mail.recipients,
                "objet": mail.subject,
                "etat": mail.get_status_display(),
                "resultat": mail.get_outcome_display(),
                "motif": mail.reason,
                "demande": mail.request.reference if mail.request else None,
                "collectivite": mail.authority.name if mail.authority else None,
                "message": raw,
            }
        )
    return rows


register_section(
    Section(
        "courriels-recus",
        "les courriels que vous nous avez envoyés : la date, l'objet, ce qu'il en est advenu "
        "(le message lui-même est dans pieces-jointes/courriels/).",
        inbound_mail_section,
        order=40,
    )
)
