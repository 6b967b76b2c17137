"""ProConnect (agents): the identity federation of public servants.

An agent signs in only to an account that already exists with the same professional e-mail:
a sign-in never creates one. Register `{GUICHET_BASE_URL}/agents/connexion/proconnect/callback/`
and `{GUICHET_BASE_URL}/agents/connexion/proconnect/deconnexion/`.
"""

from guichet.identity.base import Provider
from guichet.identity.registry import register

PROCONNECT = register(
    Provider(
        name="proconnect",
        label="ProConnect",
        audience="agent",
        setting="GUICHET_PROCONNECT",
        scopes=("openid", "email", "given_name", "usual_name", "uid", "siret"),
        acr_values="eidas1",
    )
)
