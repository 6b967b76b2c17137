"""The triage's part of the register of processing (`people.rights.register`)."""

from __future__ import annotations

from guichet.people.rights import register
from guichet.triage.store import KEEP_FILES


def _triage() -> list[register.Processing]:
    return [
        register.Processing(
            group="Tri automatique",
            name="Tri automatique des demandes en texte libre",
            purpose="Suggérer aux agents le service compétent pour une demande reçue en texte "
            "libre (courriel) ; l'orienter sans agent au-dessus d'un seuil fixé par la "
            "collectivité ; apprendre des choix des agents.",
            legal_basis=register.PUBLIC_MISSION,
            subjects=("usagers dont les demandes servent d'exemples ou sont triées",),
            data=(
                "objet et réponses libres des demandes (mots et fragments de mots dans le "
                "vocabulaire du modèle)",
                "service suggéré, score, choix de l'agent",
            ),
            recipients=("agents de la collectivité qui traite la demande",),
            retention=f"les {KEEP_FILES} dernières versions du modèle de chaque collectivité, "
            "réentraîné chaque jour sur les demandes en cours de conservation : le texte "
            "d'une demande effacée en sort au plus tard après "
            f"{KEEP_FILES} réentraînements",
            retention_days=KEEP_FILES,
            security=("fichiers hors de l'espace servi par le site",),
        )
    ]


register.contribute("triage", _triage)
