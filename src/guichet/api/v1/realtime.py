"""The public real-time API (issue 19): read-only, no key, cached, rate-limited per address.

Mounted in v1 under `/api/v1/donnees-ouvertes/`; the figures come from
`guichet.opendata.realtime` (the same k-anonymity as the published data sets). Errors keep the
API's shape (`{"detail", "code", "errors"}`), 429 included.
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest, JsonResponse
from ninja import Query, Router, Schema
from pydantic import Field

from guichet.api import schemas
from guichet.api.security import RateLimited, refuse_nul
from guichet.core import ratelimit
from guichet.opendata import realtime

PUBLIC_RATE_LIMIT = 300  # calls per minute per address
RATE_WINDOW = 60
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
INSEE = r"^(?:[0-9]{2}|2A|2B)[0-9]{3}$"

router = Router(auth=None, tags=["données ouvertes (temps réel)"])
E = schemas.ERRORS


class FiltersIn(Schema):
    collectivite: Annotated[str, Field(max_length=80, pattern=SLUG)] | None = Field(
        None, description="identifiant (slug) d'une collectivité"
    )
    service: Annotated[str, Field(max_length=80, pattern=SLUG)] | None = Field(
        None, description="code (slug) d'un service"
    )
    commune: Annotated[str, Field(max_length=5, pattern=INSEE)] | None = Field(
        None, description="code INSEE d'une commune"
    )

    def filters(self) -> realtime.Filters:
        return realtime.Filters(
            authority=self.collectivite or "",
            service=self.service or "",
            commune=self.commune or "",
        )


class OpenGroupOut(Schema):
    authority: str
    authority_name: str
    service_code: str
    service_name: str
    commune_insee: str | None
    commune_name: str | None
    open_requests: int


class OpenRequestsOut(Schema):
    computed_at: str = Field(description="heure du calcul (les réponses sont gardées 60 s)")
    k: int = Field(description="taille minimale d'un groupe publié")
    groups: list[OpenGroupOut]
    total: int
    suppressed: int = Field(description="demandes des groupes de moins de k, non détaillées")


class DelayGroupOut(Schema):
    authority: str
    authority_name: str
    service_code: str
    service_name: str
    promise_working_days: int | None
    resolved: int
    median_working_days: float
    within_promise: int | None


class DelaysOut(Schema):
    computed_at: str
    since: str = Field(description="lundi 0 h (heure de Paris) de la semaine en cours")
    k: int
    groups: list[DelayGroupOut]
    suppressed: int


class FeatureCollectionOut(Schema):
    type: str = "FeatureCollection"
    features: list[dict]
    k: int
    truncated: bool


def _limit(http_request: HttpRequest) -> None:
    """Count one keyless call of this address; 429 with Retry-After past the limit."""
    refuse_nul(http_request)
    verdict = ratelimit.hit(
        "api-public", ratelimit.client_address(http_request), limit=PUBLIC_RATE_LIMIT,
        window=RATE_WINDOW,
    )  # fmt: skip
    if not verdict.allowed:
        retry = max(verdict.retry_after, 1)
        raise RateLimited(
            f"Trop de requêtes depuis votre adresse : réessayez dans {retry} s.",
            headers={"Retry-After": str(retry)},
        )


def _public(response: JsonResponse) -> JsonResponse:
    response["Cache-Control"] = f"public, max-age={realtime.CACHE_SECONDS}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@router.get(
    "/donnees-ouvertes/demandes-ouvertes",
    response={200: OpenRequestsOut, **E},
    summary="Demandes ouvertes maintenant",
    description=(
        "Sans clé. Les demandes en cours, par collectivité, service et commune (code INSEE). "
        "Les groupes de moins de k demandes ne sont pas détaillés (`suppressed`). "
        "Réponse gardée 60 s ; 300 appels par minute et par adresse."
    ),
)
def open_requests(request, filters: Query[FiltersIn]):
    _limit(request)
    data = realtime.cached("open", filters.filters(), realtime.open_requests)
    return _public(JsonResponse(data))


@router.get(
    "/donnees-ouvertes/signalements.geojson",
    response={200: FeatureCollectionOut, **E},
    # The body is served as GeoJSON's own media type (RFC 7946); say so in the document.
    openapi_extra={
        "responses": {
            200: {
                "content": {
                    "application/geo+json": {
                        "schema": {"$ref": "#/components/schemas/FeatureCollectionOut"}
                    }
                }
            }
        }
    },
    summary="Signalements en cours (GeoJSON)",
    description=(
        "Sans clé. Les signalements en cours des services publiés sur la carte, en GeoJSON : "
        "chaque point est le centre d'une cellule H3 qui regroupe au moins k signalements "
        "(les mêmes points que les jeux de données ; sans point quand seule la commune peut "
        "être donnée). Ni personne, ni adresse, ni texte. Réponse gardée 60 s."
    ),
)
def public_reports(request, filters: Query[FiltersIn]):
    _limit(request)
    data = realtime.cached("reports", filters.filters(), realtime.public_reports)
    return _public(JsonResponse(data, content_type="application/geo+json"))


@router.get(
    "/donnees-ouvertes/delais-de-la-semaine",
    response={200: DelaysOut, **E},
    summary="Délais de la semaine",
    description=(
        "Sans clé. Les demandes traitées depuis lundi, par collectivité et service : nombre, "
        "délai médian en jours ouvrés (sans les attentes de l'usager) et nombre dans le délai "
        "annoncé. Groupes de moins de k demandes non détaillés. Réponse gardée 60 s."
    ),
)
def delays(request, filters: Query[FiltersIn]):
    _limit(request)
    data = realtime.cached("delays", filters.filters(), realtime.delays_this_week)
    return _public(JsonResponse(data))
