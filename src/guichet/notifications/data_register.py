"""The notifications' part of the register of processing (`people.rights.register`)."""

from __future__ import annotations

from django.conf import settings

from guichet.notifications.transports.registry import sms_transports
from guichet.people.rights import register


def _notifications() -> list[register.Processing]:
    days = register.retention_days(None)
    try:
        gateway = sms_transports[settings.GUICHET_SMS_TRANSPORT].label
    except KeyError:
        gateway = settings.GUICHET_SMS_TRANSPORT
    return [
        register.Processing(
            group="Notifications",
            name="Avis de suivi et rappels par courriel et SMS",
            purpose="Informer l'usager de la réception et du suivi de ses demandes, des "
            "messages des agents et de ses rendez-vous, sur les canaux qu'il a choisis.",
            legal_basis=register.PUBLIC_MISSION
            + " ; les informations de la collectivité : "
            + register.CONSENT,
            subjects=("usagers",),
            data=(
                "coordonnées (adresse électronique, téléphone)",
                "préférences et consentements",
                "contenu des messages envoyés, dates d'envoi et de remise",
            ),
            recipients=(
                "l'usager",
                "serveur d'envoi des courriels de la plateforme",
                f"passerelle SMS ({gateway}), sous-traitant pour l'envoi",
            ),
            retention=f"{register.duration(days)} après la clôture de la demande concernée",
            retention_days=days,
            security=("envoi chiffré vers les passerelles", "désinscription en un clic"),
        )
    ]


register.contribute("notifications", _notifications)
