"""The satisfaction surveys' part of the register of processing (`people.rights.register`)."""

from __future__ import annotations

from guichet.people.rights import register


def _surveys() -> list[register.Processing]:
    days = register.retention_days(None)
    return [
        register.Processing(
            group="Satisfaction",
            name="Enquêtes de satisfaction",
            purpose="Mesurer la qualité du service rendu après le traitement d'une demande ; "
            "rouvrir une demande que l'usager dit non résolue.",
            legal_basis=register.PUBLIC_MISSION + " ; réponse facultative",
            subjects=("usagers dont la demande est traitée",),
            data=("note et commentaire libre", "demande concernée"),
            recipients=(
                "responsables de la collectivité qui a traité la demande (résultats agrégés)",
            ),
            retention=f"{register.duration(days)} après la clôture de la demande ; "
            "les notes restent, anonymes, pour les statistiques",
            retention_days=days,
        )
    ]


register.contribute("satisfaction", _surveys)
