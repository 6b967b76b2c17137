"""The offline geocoder: the communes and postcodes Guichet already has, no network.

A search finds communes by postcode (« 92330 », « rue Houdan 92330 ») or by name (the whole
text, else its last words: « 12 rue Houdan Sceaux » finds Sceaux); each is answered at its
centre. A point is answered with the commune whose boundary holds it. It never fails: it is the
chain's last resort when the address search is not configured or does not answer.
"""

from __future__ import annotations

import math
import re

from guichet.territory import geometry
from guichet.territory.geocoding.base import Geocoder, Place
from guichet.territory.geocoding.registry import geocoders
from guichet.territory.models import Commune
from guichet.territory.selectors import commune_at_point, communes_by_postcode, search_communes
from guichet.territory.text import normalize_name

POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
TAIL_WORDS = 4  # commune names are looked for in the text's last words, up to this many
SHORTEST_NAME = 3


@geocoders.register("offline")
class OfflineGeocoder(Geocoder):
    label = "Communes et codes postaux (hors ligne)"

    def search(
        self, text: str, *, limit: int = 5, near: tuple[float, float] | None = None
    ) -> list[Place]:
        postcodes = POSTCODE.findall(text)
        communes: list[Commune] = []
        postcode = ""
        for code in reversed(postcodes):
            communes = communes_by_postcode(code)
            if communes:
                postcode = code
                break
        if not communes:
            communes = _named(POSTCODE.sub(" ", text), limit)
        places = [_place(commune, postcode, score=0.6) for commune in communes]
        found = [place for place in places if place is not None]
        if near is not None:
            found.sort(key=lambda place: _distance(place, near))
        return found[:limit]

    def reverse(self, lat: float, lon: float) -> Place | None:
        commune = commune_at_point(lon, lat)
        return _place(commune, "", score=1.0) if commune is not None else None


def _named(text: str, limit: int) -> list[Commune]:
    words = normalize_name(text).split()
    runs = [" ".join(words)] + [
        " ".join(words[-size:]) for size in range(min(TAIL_WORDS, len(words) - 1), 0, -1)
    ]
    for run in runs:
        if len(run) < SHORTEST_NAME:
            continue
        found = _current(search_communes(run, limit=limit * 2))
        if found:
            return found[:limit]
    return []


def _current(communes: list[Commune]) -> list[Commune]:
    """Delegated communes and arrondissements answered with the commune they belong to."""
    found: dict[int, Commune] = {}
    for commune in communes:
        current = commune if commune.kind == Commune.Kind.CURRENT else commune.parent
        if current is not None:
            found.setdefault(current.pk, current)
    return list(found.values())


def _place(commune: Commune, postcode: str, *, score: float) -> Place | None:
    centre = centre_of(commune)
    if centre is None:
        return None
    postcode = postcode or next(iter(commune.postcodes or []), "")
    return Place(
        label=f"{postcode} {commune.name}".strip(), lat=centre[0], lon=centre[1],
        kind="municipality", postcode=postcode, city=commune.name, citycode=commune.code,
        score=score,
    )  # fmt: skip


def centre_of(commune: Commune) -> tuple[float, float] | None:
    """(lat, lon) of the commune's centre: its boundary's centroid when it lies inside, else a
    point surely inside; the middle of its bbox without a boundary; None without either."""
    bbox = commune.bbox
    if not bbox or len(bbox) != 4:
        return None
    shape = geometry.cached(commune.pk, bbox)
    if shape is None:
        boundary = Commune.objects.filter(pk=commune.pk).values_list("boundary", flat=True).first()
        if boundary:
            shape = geometry.prepare(commune.pk, bbox, boundary)
    if shape is None:
        return ((bbox[1] + bbox[3]) / 2, (bbox[0] + bbox[2]) / 2)
    point = shape.centroid
    if not shape.intersects(point):
        point = shape.representative_point()
    return (round(point.y, 6), round(point.x, 6))


def _distance(place: Place, near: tuple[float, float]) -> float:
    """An equirectangular distance: enough to order a few communes."""
    dx = (place.lon - near[1]) * math.cos(math.radians(near[0]))
    return math.hypot(dx, place.lat - near[0])
