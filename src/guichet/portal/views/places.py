"""The address search the request forms ask as one types (JSON, read by address_search.js).

`GET /adresses/recherche/?q=…[&limite=…][&lat=…&lon=…][&commune=INSEE]`: suggestions, best
first, each marked `outside` when it is not in the form's commune. `GET /adresses/point/?lat=…
&lon=…[&commune=INSEE]`: the address at a point clicked on the map, and whether the point lies
in the commune. Both say in French when the address search did not answer (only communes are
then known) and refuse hostile input with a 400 and a French message; both are rate-limited per
address. What is typed is never logged (the access log masks these queries, core.accesslog).
"""

from __future__ import annotations

import math
import re
from typing import Any

from django.http import HttpRequest, JsonResponse, QueryDict
from django.views.decorators.http import require_GET

from guichet.core.middleware import Refusal
from guichet.core.plurals import ngettext
from guichet.territory import geocoding
from guichet.territory.models import Commune
from guichet.territory.selectors import commune_at_point, commune_by_code

from ._common import limited

MAX_QUERY = 200
SHORTEST_QUERY = 3
DEFAULT_LIMIT, MAX_LIMIT = 5, 10
MAX_NUMBER = 32  # characters of a latitude or a longitude
SEARCHES_PER_MINUTE = 120  # one per keystroke, debounced: a fast typist stays far below
POINTS_PER_MINUTE = 60
INSEE_CODE = re.compile(r"^[0-9][0-9AB][0-9]{3}$", re.IGNORECASE)
# Control characters, and U+FFFD: what Django puts in place of invalid UTF-8.
UNREADABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffd]")

UNAVAILABLE = (
    "La recherche d'adresses ne répond pas pour le moment : seules les communes sont proposées. "
    "Vous pouvez placer le point sur la carte ou n'indiquer que la commune."
)


class Refused(Exception):
    """Hostile or malformed input: the message is shown next to the field."""


@require_GET
def search(http_request: HttpRequest) -> JsonResponse:
    verdict = limited(http_request, "places-search", limit=SEARCHES_PER_MINUTE, window=60)
    if not verdict.allowed:
        return _too_many(verdict.retry_after)
    try:
        text = _text(http_request.GET.get("q", ""))
        limit = _limit(http_request.GET.get("limite", ""))
        near = _point(http_request.GET, required=False)
        commune = _commune(http_request.GET.get("commune", ""))
    except Refused as refusal:
        return _refused(str(refusal))
    if len(text) < SHORTEST_QUERY:
        return _json({"places": [], "fallback": False,
                      "message": f"Saisissez au moins {SHORTEST_QUERY} caractères."})  # fmt: skip
    if near is None and commune is not None:
        near = geocoding.commune_centre(commune)
    found = geocoding.search(text, limit=limit, near=near)
    codes = _codes_of(commune)
    places = [
        place.as_json() | {"outside": bool(codes) and place.citycode not in codes}
        for place in found.places
    ]
    return _json({"places": places, "fallback": found.fell_back,
                  "message": _search_message(len(places), found.fell_back)})  # fmt: skip


@require_GET
def point(http_request: HttpRequest) -> JsonResponse:
    verdict = limited(http_request, "places-point", limit=POINTS_PER_MINUTE, window=60)
    if not verdict.allowed:
        return _too_many(verdict.retry_after)
    try:
        at = _point(http_request.GET, required=True)
        commune = _commune(http_request.GET.get("commune", ""))
    except Refused as refusal:
        return _refused(str(refusal))
    assert at is not None
    lat, lon = at
    found = geocoding.reverse(lat, lon)
    place = found.places[0] if found.places else None
    outside, message = False, ""
    if commune is not None and commune.boundary:
        holder = commune_at_point(lon, lat)
        if holder is None or holder.pk != commune.pk:
            outside = True
            where = f"à {holder.name}" if holder is not None else "hors des communes desservies"
            message = (
                f"Ce point est situé {where}, pas à {commune.name} : placez-le dans la commune "
                "ou choisissez une autre commune."
            )
    if not message and place is None:
        message = (
            "Aucune adresse connue à cet endroit (hors de France ?) : vérifiez le point ou "
            "décrivez le lieu dans le champ adresse."
        )
    elif not message and found.fell_back:
        message = (
            "La recherche d'adresses ne répond pas pour le moment : seule la commune du point "
            "est connue."
        )
    return _json({"place": place.as_json() if place else None, "outside": outside,
                  "fallback": found.fell_back, "message": message})  # fmt: skip


def _search_message(count: int, fell_back: bool) -> str:
    if fell_back and not count:
        return (
            "La recherche d'adresses ne répond pas pour le moment et aucune commune ne "
            "correspond : placez le point sur la carte ou n'indiquez que la commune."
        )
    if fell_back:
        return UNAVAILABLE
    if not count:
        return (
            "Aucune adresse trouvée : vérifiez la saisie, ou placez le point sur la carte et "
            "décrivez le lieu."
        )
    return ngettext("%(n)d adresse proposée.", "%(n)d adresses proposées.", count) % {"n": count}


def _text(raw: str) -> str:
    if len(raw) > MAX_QUERY:
        raise Refused(f"L'adresse est trop longue : {MAX_QUERY} caractères au plus.")
    if UNREADABLE.search(raw):
        raise Refused("L'adresse contient des caractères non valides.")
    return " ".join(raw.split())


def _limit(raw: str) -> int:
    if raw == "":
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw[:3]) <= MAX_LIMIT or len(raw) > 3:
        raise Refused(f"Le nombre de suggestions doit être un entier entre 1 et {MAX_LIMIT}.")
    return int(raw)


def _point(query: QueryDict, *, required: bool) -> tuple[float, float] | None:
    raw_lat, raw_lon = query.get("lat", ""), query.get("lon", "")
    if raw_lat == "" and raw_lon == "" and not required:
        return None
    if raw_lat == "" or raw_lon == "":
        raise Refused("Indiquez la latitude et la longitude du point.")
    lat = _number(raw_lat, "La latitude")
    lon = _number(raw_lon, "La longitude")
    if not -90 <= lat <= 90:
        raise Refused("La latitude doit être comprise entre -90 et 90.")
    if not -180 <= lon <= 180:
        raise Refused("La longitude doit être comprise entre -180 et 180.")
    return lat, lon


def _number(raw: str, what: str) -> float:
    try:
        if len(raw) > MAX_NUMBER:
            raise ValueError
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        raise Refused(f"{what} doit être un nombre, par exemple 48,7772.") from None
    if not math.isfinite(value):
        raise Refused(f"{what} doit être un nombre, par exemple 48,7772.")
    return value


def _commune(raw: str) -> Commune | None:
    if raw == "":
        return None
    commune = commune_by_code(raw) if INSEE_CODE.match(raw) else None
    if commune is None:
        raise Refused("Cette commune est inconnue.")
    return commune


def _codes_of(commune: Commune | None) -> set[str]:
    """The commune's INSEE code and its arrondissements' (the BAN answers Paris's 75107)."""
    if commune is None:
        return set()
    children = Commune.objects.filter(parent_id=commune.pk).values_list("code", flat=True)
    return {commune.code, *children}


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


def _refused(message: str) -> JsonResponse:
    return _json({"error": message}, status=400)


def refusal_response(http_request: HttpRequest, refusal: Refusal) -> JsonResponse:
    """The hostile-input middleware's refusal (core.middleware), in this JSON."""
    return _json({"error": refusal.message}, status=refusal.status)


def _too_many(retry_after: int) -> JsonResponse:
    wait = max(retry_after, 1)
    response = _json(
        {"error": "Trop de recherches d'adresses en peu de temps : réessayez dans une minute."},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response
