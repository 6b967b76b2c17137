"""FranceConnect (residents): the State's identity federation.

Its real constraints: tokens live 60 s and codes 30 s, single use; the nonce is at least 22
characters; `acr_values` eidas1; the userinfo answer is a signed JWT in v2 (JSON in v1).
Register `{GUICHET_BASE_URL}/connexion/franceconnect/callback/` as the redirect URI and
`{GUICHET_BASE_URL}/connexion/franceconnect/deconnexion/` as the post-logout URI.
"""

from guichet.identity.base import Provider
from guichet.identity.registry import register

FRANCECONNECT = register(
    Provider(
        name="franceconnect",
        label="FranceConnect",
        audience="resident",
        setting="GUICHET_FRANCECONNECT",
        scopes=(
            "openid",
            "given_name",
            "family_name",
            "birthdate",
            "birthplace",
            "birthcountry",
            "gender",
            "email",
            "preferred_username",
        ),
        acr_values="eidas1",
    )
)
