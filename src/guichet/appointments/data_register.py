"""The appointments' part of the register of processing (`people.rights.register`)."""

from __future__ import annotations

from guichet.appointments.models import Place
from guichet.people.rights import register


def _appointments() -> list[register.Processing]:
    places = list(
        Place.objects.filter(active=True).select_related("authority").order_by("authority__name")
    )
    authorities = sorted({p.authority.name for p in places})
    days = register.retention_days(None)
    return [
        register.Processing(
            group="Rendez-vous",
            name="Prise de rendez-vous en ligne et au guichet",
            purpose="Réserver, confirmer, rappeler et tenir les rendez-vous des usagers dans "
            "les lieux d'accueil des collectivités.",
            legal_basis=register.PUBLIC_MISSION,
            subjects=("usagers qui prennent rendez-vous",),
            data=(
                "identité (nom, prénom)",
                "coordonnées (adresse électronique, téléphone)",
                "motif, lieu, date et heure du rendez-vous",
            ),
            recipients=(
                "agents des lieux d'accueil du rendez-vous — "
                + (", ".join(authorities) if authorities else "aucun lieu ouvert"),
            ),
            retention=f"{register.duration(days)} après le rendez-vous, puis anonymisation",
            retention_days=days,
            security=register.COMMON_SECURITY,
        )
    ]


register.contribute("appointments", _appointments)
