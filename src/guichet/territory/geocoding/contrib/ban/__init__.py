"""The Base Adresse Nationale's HTTP API format (api-adresse.data.gouv.fr, addok).

`GET {url}/search/?q=…&limit=…[&lat=…&lon=…]` and `GET {url}/reverse/?lat=…&lon=…` answer
a GeoJSON FeatureCollection whose features carry `properties.label`, `housenumber`, `street`,
`name`, `postcode`, `city`, `citycode`, `score` and `type`. The base URL is
`GUICHET_GEOCODER_URL` (empty: the plugin is off); `GUICHET_GEOCODER_TIMEOUT` seconds (2 by
default) bound each exchange. A timeout, an HTTP error or an answer that is not such a
collection raises GeocoderUnavailable; a feature without a label or a valid point is skipped.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings

from guichet.territory.geocoding.base import Geocoder, GeocoderUnavailable, Place, valid_point
from guichet.territory.geocoding.registry import geocoders

DEFAULT_TIMEOUT = 2.0
MAX_ANSWER_BYTES = 2 * 1024 * 1024
KINDS = {"housenumber", "street", "locality", "municipality"}


@geocoders.register("ban")
class BanGeocoder(Geocoder):
    label = "Base Adresse Nationale (API HTTP)"

    def available(self) -> bool:
        return bool(base_url())

    def search(
        self, text: str, *, limit: int = 5, near: tuple[float, float] | None = None
    ) -> list[Place]:
        query: dict[str, Any] = {"q": text, "limit": limit}
        if near is not None:
            query |= {"lat": f"{near[0]:.6f}", "lon": f"{near[1]:.6f}"}
        return places_in(call("search", query))[:limit]

    def reverse(self, lat: float, lon: float) -> Place | None:
        found = places_in(call("reverse", {"lat": f"{lat:.6f}", "lon": f"{lon:.6f}"}))
        return found[0] if found else None


def base_url() -> str:
    return str(getattr(settings, "GUICHET_GEOCODER_URL", "") or "").strip().rstrip("/")


def call(endpoint: str, query: dict[str, Any]) -> Any:
    url = base_url()
    if not url.startswith(("http://", "https://")):
        raise GeocoderUnavailable(f"adresse du géocodeur invalide : {url!r}")
    timeout = float(getattr(settings, "GUICHET_GEOCODER_TIMEOUT", DEFAULT_TIMEOUT))
    address = f"{url}/{endpoint}/?{urllib.parse.urlencode(query)}"
    asked = urllib.request.Request(address, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(asked, timeout=timeout) as answer:  # noqa: S310
            raw = answer.read(MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as refusal:
        raise GeocoderUnavailable(f"géocodeur : HTTP {refusal.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as failure:  # timeouts are OSErrors
        raise GeocoderUnavailable(f"géocodeur injoignable : {failure}") from None
    if len(raw) > MAX_ANSWER_BYTES:
        raise GeocoderUnavailable("géocodeur : réponse trop longue")
    try:
        return json.loads(raw)
    except ValueError:
        raise GeocoderUnavailable("géocodeur : réponse illisible (pas du JSON)") from None


def places_in(collection: Any) -> list[Place]:
    """The places of a GeoJSON FeatureCollection in the BAN's format."""
    if not isinstance(collection, dict) or not isinstance(collection.get("features"), list):
        raise GeocoderUnavailable("géocodeur : réponse sans liste « features »")
    found = []
    for feature in collection["features"]:
        place = _place(feature)
        if place is not None:
            found.append(place)
    return found


def _place(feature: Any) -> Place | None:
    if not isinstance(feature, dict):
        return None
    geometry, properties = feature.get("geometry"), feature.get("properties")
    if not isinstance(geometry, dict) or not isinstance(properties, dict):
        return None
    point = geometry.get("coordinates")
    if not isinstance(point, list) or len(point) < 2 or not valid_point(point[1], point[0]):
        return None
    label = _text(properties.get("label"))
    if not label:
        return None
    kind = _text(properties.get("type"))
    score = properties.get("score")
    valid_score = isinstance(score, int | float) and not isinstance(score, bool) and 0 <= score <= 1
    street = _text(properties.get("street"))
    if not street and kind == "street":
        street = _text(properties.get("name"))
    return Place(
        label=label, lat=float(point[1]), lon=float(point[0]),
        kind=kind if kind in KINDS else "housenumber",
        housenumber=_text(properties.get("housenumber")), street=street,
        postcode=_text(properties.get("postcode")), city=_text(properties.get("city")),
        citycode=_text(properties.get("citycode")),
        score=float(score) if valid_score else 0.0,  # type: ignore[arg-type]
    )  # fmt: skip


def _text(value: Any, longest: int = 300) -> str:
    if not isinstance(value, str | int) or isinstance(value, bool):
        return ""
    return str(value).replace("\x00", "").strip()[:longest]
