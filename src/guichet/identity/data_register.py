"""The sign-in part of the register of processing (`people.rights.register`): the e-mail link
always, FranceConnect and ProConnect when they are configured, the agents' password sign-in."""

from __future__ import annotations

from django.conf import settings

from guichet.identity import registry
from guichet.people.rights import register


def _sign_in() -> list[register.Processing]:
    session_days = settings.SESSION_COOKIE_AGE // 86400
    resident, agent = registry.enabled("resident"), registry.enabled("agent")
    rows = [
        register.Processing(
            group="Connexion",
            name="Espace usager (« Mes demandes », « Mon compte »)",
            purpose="Reconnaître l'usager qui se connecte, par un lien envoyé à son adresse "
            + "".join(f" ou par {p.label}" for p in resident)
            + ", pour lui montrer ses demandes et ses données.",
            legal_basis=register.PUBLIC_MISSION,
            subjects=("usagers",),
            data=(
                "adresse électronique",
                *(
                    f"identité transmise par {p.label} (nom, prénoms, date et lieu de "
                    "naissance, sexe, adresse électronique, identifiant de compte)"
                    for p in resident
                ),
                "session de connexion",
            ),
            recipients=(
                "aucun : la connexion ne sert qu'à l'usager",
                *(f"{p.label} (fournisseur d'identité de l'État)" for p in resident),
            ),
            retention=f"session : {register.duration(session_days)} au plus ; compte lié : "
            "jusqu'à ce que l'usager le délie ou que sa fiche soit effacée",
            retention_days=session_days,
        ),
        register.Processing(
            group="Connexion",
            name="Connexion des agents",
            purpose="Authentifier les agents des collectivités (mot de passe et second "
            "facteur" + "".join(f", ou {p.label}" for p in agent) + ") et bloquer les "
            "tentatives répétées.",
            legal_basis=register.LEGAL_OBLIGATION + " : sécurité du traitement (art. 32 du RGPD)",
            subjects=("agents des collectivités",),
            data=(
                "identifiant, adresse électronique professionnelle",
                "mot de passe (empreinte) et clé du second facteur",
                "tentatives de connexion (adresse IP, date)",
            ),
            recipients=(
                "administrateurs de la plateforme",
                *(f"{p.label} (fournisseur d'identité de l'État)" for p in agent),
            ),
            retention="tant que l'agent a un compte ; tentatives échouées : jusqu'au déblocage",
        ),
    ]
    return rows


register.contribute("sign_in", _sign_in)
