"""Version 1 of the native REST API, mounted at /api/v1/."""

from __future__ import annotations

from ninja import NinjaAPI, Swagger

from guichet.api import errors
from guichet.api.caller import AUTH
from guichet.api.v1 import catalogue, journal, participation, realtime, requests
from guichet.api.v1 import contracts as contract_indicators

DESCRIPTION = """API de Guichet pour les applications des collectivités et le back-office.

Authentification : une clé d'API par application et par collectivité
(`Authorization: Bearer <clé>` ou `X-API-Key: <clé>`), avec les droits `read` (GET) et
`write` (POST) ; ou la session d'un agent connecté (jeton CSRF exigé sur les POST).

Chaque POST qui crée quelque chose accepte un en-tête `Idempotency-Key` : une nouvelle
tentative avec la même clé et le même corps renvoie la première réponse, sans doublon.
Les erreurs ont toujours la forme `{"detail", "code", "errors": [{"field", "code", "message"}]}`.
"""


class FrenchSwagger(Swagger):
    """Swagger UI served locally, its page declared in French (axe-core: html-has-lang), without
    deep links: Swagger UI draws them as a link inside each operation's button, a focusable
    control inside another (axe-core: nested-interactive, WCAG 4.1.2)."""

    default_settings = {**Swagger.default_settings, "deepLinking": False}

    template = "api/swagger.html"


api = NinjaAPI(
    title="Guichet",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=AUTH,
    docs=FrenchSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("", catalogue.router)
api.add_router("", requests.router)
api.add_router("", journal.router)
api.add_router("", realtime.router)
api.add_router("", contract_indicators.router)
api.add_router("", participation.router)
