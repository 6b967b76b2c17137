"""The messages sent to a person, in their data export (people.rights.export)."""

from __future__ import annotations

from typing import Any

from guichet.notifications.models import Notification
from guichet.people.rights.export import Collector, Section, register_section


def notifications_section(collector: Collector) -> list[dict[str, Any]]:
    return [
        {
            "canal": notification.get_channel_display(),
            "type": notification.get_message_kind_display(),
            "destinataire": notification.recipient,
            "objet": notification.subject,
            "texte": notification.text,
            "etat": notification.get_status_display(),
            "demande": notification.request.reference if notification.request else None,
            "collectivite": notification.authority.name if notification.authority else None,
            "cree_le": notification.created_at,
            "envoye_le": notification.sent_at,
        }
        for notification in Notification.objects.filter(person_id__in=collector.person_ids)
        .select_related("request", "authority")
        .order_by("created_at", "pk")
    ]


register_section(
    Section(
        "notifications",
        "les messages que nous vous avons envoyés (courriel, SMS) : l'objet, le texte, la date "
        "et s'ils ont été remis.",
        notifications_section,
        order=30,
    )
)
