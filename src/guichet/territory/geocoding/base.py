"""The geocoder contract: a place found from a typed address or from a point on the map.

A geocoder is one small plugin under `contrib/<name>/` registered in `registry.geocoders`.
It answers in WGS 84 and raises `GeocoderUnavailable` when it cannot answer (timeout, HTTP
error, malformed answer): the chain (`geocoding.search`/`reverse`) then asks the next one.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any


class GeocoderUnavailable(Exception):
    """The geocoder could not answer; the message says why (for the logs, never a person)."""


@dataclass(frozen=True)
class Place:
    """One answer: an address, a street, a locality or a whole commune."""

    label: str  # « 12 Rue Houdan 92330 Sceaux »
    lat: float
    lon: float
    kind: str = "housenumber"  # housenumber | street | locality | municipality
    housenumber: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    citycode: str = ""  # the commune's INSEE code (an arrondissement's in Paris, Lyon, Marseille)
    score: float = 0.0  # 0–1, the geocoder's confidence

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def valid_point(lat: object, lon: object) -> bool:
    """True for finite WGS 84 numbers (latitude within ±90°, longitude within ±180°)."""
    if isinstance(lat, bool) or isinstance(lon, bool):
        return False
    if not isinstance(lat, int | float) or not isinstance(lon, int | float):
        return False
    return math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180


class Geocoder:
    label = ""

    def available(self) -> bool:
        """False when the plugin is not configured (the chain then skips it)."""
        return True

    def search(
        self, text: str, *, limit: int = 5, near: tuple[float, float] | None = None
    ) -> list[Place]:
        """The places `text` may name, best first (at most `limit`); `near` = (lat, lon)
        favours the places close to it. Raise GeocoderUnavailable."""
        raise NotImplementedError

    def reverse(self, lat: float, lon: float) -> Place | None:
        """The address (or the commune) at this point, None when there is none. Raise
        GeocoderUnavailable."""
        raise NotImplementedError
