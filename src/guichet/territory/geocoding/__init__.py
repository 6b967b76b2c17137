"""Geocoding: from a typed address to a place, from a point on the map to its address.

Two plugins (`registry.geocoders`, ADR 0029): `ban`, the Base Adresse Nationale's HTTP API
format at `GUICHET_GEOCODER_URL`, and `offline`, the communes and postcodes already imported.
`search` and `reverse` ask the configured one (`GUICHET_GEOCODER`, `ban` by default) when it
is available, and fall back to `offline` when it times out, fails or answers nonsense; the
answer says so (`fell_back`) for the page to tell the person.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings

from guichet.territory.geocoding.base import Geocoder, GeocoderUnavailable, Place, valid_point
from guichet.territory.geocoding.registry import geocoders
from guichet.territory.models import Commune

logger = logging.getLogger(__name__)
FALLBACK = "offline"

__all__ = [
    "Found",
    "commune_centre",
    "Geocoder",
    "GeocoderUnavailable",
    "Place",
    "geocoders",
    "reverse",
    "search",
    "valid_point",
]


@dataclass(frozen=True)
class Found:
    """What the chain answered, and which plugin answered it."""

    places: list[Place] = field(default_factory=list)
    source: str = FALLBACK
    fell_back: bool = False  # the configured geocoder failed: only communes are known


def _chain() -> list[str]:
    name = str(getattr(settings, "GUICHET_GEOCODER", "") or "ban")
    first = [name] if name != FALLBACK and name in geocoders and geocoders[name].available() else []
    return [*first, FALLBACK]


def search(text: str, *, limit: int = 5, near: tuple[float, float] | None = None) -> Found:
    """The places `text` may name, best first, from the first geocoder that answers."""
    names = _chain()
    for position, name in enumerate(names):
        try:
            places = geocoders[name].search(text, limit=limit, near=near)
        except GeocoderUnavailable as failure:
            logger.warning("geocoder %s unavailable (search): %s", name, failure)
            continue
        return Found(places, name, fell_back=position > 0)
    return Found([], FALLBACK, fell_back=True)


def reverse(lat: float, lon: float) -> Found:
    """The address at the point (one place, or none) from the first geocoder that answers.
    When the address search answers but knows no address there, the commune is given."""
    names = _chain()
    for position, name in enumerate(names):
        try:
            place = geocoders[name].reverse(lat, lon)
        except GeocoderUnavailable as failure:
            logger.warning("geocoder %s unavailable (reverse): %s", name, failure)
            continue
        if place is None and name != FALLBACK:
            commune = geocoders[FALLBACK].reverse(lat, lon)
            return Found([commune] if commune else [], name, fell_back=False)
        return Found([place] if place else [], name, fell_back=position > 0)
    return Found([], FALLBACK, fell_back=True)


def commune_centre(commune: Commune) -> tuple[float, float] | None:
    """(lat, lon) of the commune's centre (see the offline plugin), None without a shape."""
    from guichet.territory.geocoding.contrib.offline import centre_of

    return centre_of(commune)
