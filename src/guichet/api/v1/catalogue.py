"""Read-only reference data: the catalogue, the authorities, the territory, and who handles what."""

from __future__ import annotations

from django.http import Http404
from ninja import Path, Query, Router

from guichet.api import schemas, serialize
from guichet.api.security import Unprocessable
from guichet.authorities.competence import who_handles
from guichet.authorities.models import Authority
from guichet.catalogue.selectors import published_services, service_by_slug
from guichet.territory.models import Commune
from guichet.territory.selectors import (
    commune_at_point,
    commune_by_code,
    communes_by_postcode,
    search_communes,
)

router = Router()
E = schemas.ERRORS


@router.get(
    "/me",
    response={200: schemas.MeOut, **E},
    tags=["compte"],
    summary="Qui suis-je",
    description=(
        "À qui appartiennent les identifiants utilisés : application ou agent, droits et "
        "collectivités."
    ),
)
def me(request):
    """Who the credentials belong to, with their rights and authorities."""
    caller = request.auth
    authorities = Authority.objects.filter(pk__in=caller.authority_ids).select_related("commune")
    if caller.api_key is not None:
        kind, name = "api_key", caller.api_key.application
    else:
        kind, name = "agent", caller.user.get_username()
    return schemas.MeOut(
        kind=kind,
        name=name,
        scopes=sorted(caller.scopes),
        authorities=[serialize.authority_out(a) for a in authorities],
    )


@router.get(
    "/services",
    response={200: list[schemas.ServiceOut], **E},
    tags=["catalogue"],
    summary="Lister les services",
    description=(
        "Les services publiés, dans l'ordre du catalogue ; filtre par catégorie ou par mots."
    ),
)
def list_services(
    request,
    category: str | None = Query(None, max_length=80),
    q: str | None = Query(None, max_length=200, description="mots cherchés"),
):
    """The published services, in catalogue order."""
    services = published_services(category=category or None, query=q)
    return [serialize.service_out(s) for s in services]


@router.get(
    "/services/{slug}",
    response={200: schemas.ServiceDetailOut, **E},
    tags=["catalogue"],
    summary="Consulter un service",
    description=(
        "Un service avec la définition de son formulaire (les champs auxquels `form_data` doit "
        "répondre)."
    ),
)
def get_service(request, slug: str):
    """One service with its form definition (the fields `form_data` must answer)."""
    service = service_by_slug(slug)
    if service is None:
        raise Http404("Service introuvable.")
    return serialize.service_detail_out(service)


@router.get(
    "/authorities",
    response={200: list[schemas.AuthorityOut], **E},
    tags=["collectivités"],
    summary="Lister les collectivités",
    description="Les collectivités actives sur la plateforme (information publique).",
)
def list_authorities(request):
    """The authorities active on the platform (public information)."""
    rows = Authority.objects.filter(is_active=True).select_related("commune").order_by("name")
    return [serialize.authority_out(a) for a in rows]


@router.get(
    "/authorities/{authority_id}",
    response={200: schemas.AuthorityOut, **E},
    tags=["collectivités"],
    summary="Consulter une collectivité",
    description="Une collectivité active sur la plateforme.",
)
def get_authority(request, authority_id: int = Path(..., ge=1, le=2**53)):
    found = Authority.objects.filter(pk=authority_id, is_active=True).first()
    if found is None:
        raise Http404("Collectivité introuvable.")
    return serialize.authority_out(found)


@router.get(
    "/communes",
    response={200: list[schemas.CommuneOut], **E},
    tags=["territoire"],
    summary="Chercher des communes",
    description="Les communes par code postal, par point (lat et lon) ou par nom.",
)
def find_communes(
    request,
    postcode: str | None = Query(None, max_length=5, description="code postal"),
    lat: float | None = Query(None, ge=-90, le=90),
    lon: float | None = Query(None, ge=-180, le=180),
    q: str | None = Query(None, max_length=100, description="début du nom ou du code INSEE"),
):
    """Communes by postcode, by point (lat and lon), or by name."""
    if postcode:
        found = communes_by_postcode(postcode)
    elif lat is not None and lon is not None:
        commune = commune_at_point(lon, lat)
        found = [commune] if commune else []
    elif q:
        found = search_communes(q)
    else:
        raise _missing_place("Indiquez « postcode », « lat » et « lon », ou « q ».")
    return [serialize.commune_out(c) for c in found]


@router.get(
    "/communes/{code}",
    response={200: schemas.CommuneOut, **E},
    tags=["territoire"],
    summary="Consulter une commune",
    description="Une commune par son code INSEE.",
)
def get_commune(request, code: str):
    commune = commune_by_code(code) if len(code) <= 5 else None
    if commune is None:
        raise Http404("Commune introuvable.")
    return serialize.commune_out(commune)


@router.get(
    "/competences",
    response={200: schemas.CompetenceOut, **E},
    tags=["territoire"],
    summary="Qui traite ce service ici",
    description=(
        "Quelle collectivité traite le service S à cet endroit ? Par code INSEE de la commune ou "
        "par point."
    ),
)
def who_handles_here(
    request,
    service: str = Query(..., max_length=80, description="code du service"),
    commune: str | None = Query(None, max_length=5, description="code INSEE"),
    lat: float | None = Query(None, ge=-90, le=90),
    lon: float | None = Query(None, ge=-180, le=180),
):
    """Who handles service S here? By commune INSEE code, or by point."""
    found_service = service_by_slug(service)
    if found_service is None:
        raise Http404("Service introuvable.")
    place = locate(commune, lat, lon)
    return serialize.competence_out(found_service, place, who_handles(found_service, place))


def locate(
    code: str | None, lat: float | None, lon: float | None, *, point_field: str = "lat"
) -> Commune:
    """The commune given by INSEE code or by point; 422 when neither finds one.

    Given both, the point must lie within the commune's boundary (a commune whose boundary
    is not known is taken at its word): a contradiction is a 422 naming both fields, never a
    request filed in the wrong place. `point_field` names the point in that error.
    """
    if code:
        commune = commune_by_code(code)
        if commune is None:
            raise _missing_place(f"Aucune commune n'a le code INSEE « {code} ».", field="commune")
        if lat is not None and lon is not None and commune.bbox is not None:
            found = commune_at_point(lon, lat)
            if found is None or found.code != commune.code:
                raise _contradiction(commune, found, point_field)
        return commune
    if lat is not None and lon is not None:
        commune = commune_at_point(lon, lat)
        if commune is None:
            raise _missing_place("Ce point n'est dans aucune commune connue.", field="lat")
        return commune
    raise _missing_place("Indiquez « commune » (code INSEE), ou « lat » et « lon ».")


def _contradiction(commune: Commune, found: Commune | None, point_field: str) -> Unprocessable:
    where = f"à {found.name} ({found.code})" if found else "dans aucune commune connue"
    message = (
        f"Le point indiqué n'est pas dans la commune {commune.name} ({commune.code}) : "
        f"il est {where}. Corrigez le code INSEE ou le point."
    )
    return Unprocessable(
        message,
        code="lieu_contradictoire",
        errors=[
            {"field": "commune", "code": "lieu_contradictoire", "message": message},
            {"field": point_field, "code": "lieu_contradictoire", "message": message},
        ],
    )


def _missing_place(message: str, field: str = "commune") -> Unprocessable:
    return Unprocessable(
        message, code="lieu_invalide", errors=[{"field": field, "code": "lieu", "message": message}]
    )
