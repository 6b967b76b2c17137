"""Areas an authority draws (a neighbourhood, a park, a road section): their geometry checked
before it is stored, and the point-in-area look-ups routing rules and dashboards use.

A road section is a line that covers `buffer_m` metres either side. Distances are measured in
a local projection around the area (equirectangular: metres east and north of its centre),
which over a few tens of kilometres stays within a fraction of a percent of the true ground
distance, without a projection library (the platform stores WGS 84 and has no GDAL, ADR 0002).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import shapely
import shapely.geometry
from shapely.errors import GEOSException, ShapelyError
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from guichet.territory.models import Area

EARTH_RADIUS_M = 6_371_008.8
ALLOWED_TYPES = {"Polygon": "polygone", "MultiPolygon": "multipolygone", "LineString": "ligne"}
MAX_VERTICES = 5_000
MAX_AREA_KM2 = 5_000.0  # a département's size: larger is a mistake, not a sector
MAX_LINE_KM = 100.0
MAX_DOCUMENT_CHARS = 1_000_000
BUFFER_RANGE = (1, 200)
# Metropolitan France with Corsica, then the overseas départements and collectivities:
# (min lon, min lat, max lon, max lat). A geometry must fit in one of them.
FRANCE_BOXES = (
    (-5.8, 41.2, 10.0, 51.3),
    (-63.2, 14.3, -60.7, 18.2),  # Guadeloupe, Martinique, Saint-Martin, Saint-Barthélemy
    (-54.7, 2.0, -51.5, 6.0),  # Guyane
    (55.1, -21.5, 55.9, -20.8),  # La Réunion
    (44.9, -13.1, 45.4, -12.5),  # Mayotte
    (-56.5, 46.7, -56.0, 47.2),  # Saint-Pierre-et-Miquelon
)


class AreaError(ValueError):
    """A geometry that cannot be an area (French message)."""


@dataclass(frozen=True)
class Checked:
    geometry: dict[str, Any]  # GeoJSON geometry, coordinates rounded to 7 decimals (1 cm)
    bbox: list[float]  # what the area covers, a road's width included


def parse_geometry(text: str) -> dict[str, Any]:
    """A GeoJSON document typed or pasted: a geometry, a Feature, or a FeatureCollection of
    one feature. Raises AreaError."""
    if not isinstance(text, str) or not text.strip():
        raise AreaError("Dessinez le secteur sur la carte ou collez sa géométrie GeoJSON.")
    if len(text) > MAX_DOCUMENT_CHARS or "\x00" in text:
        raise AreaError("Cette géométrie est trop longue ou contient des caractères interdits.")
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise AreaError("Ce texte n'est pas du GeoJSON lisible (JSON invalide).") from None
    return unwrap(document)


def unwrap(document: Any) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise AreaError("La géométrie doit être un objet GeoJSON.")
    if document.get("type") == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list) or len(features) != 1:
            raise AreaError("Collez un seul tracé à la fois (une seule « feature »).")
        document = features[0]
    if isinstance(document, dict) and document.get("type") == "Feature":
        document = document.get("geometry")
    if not isinstance(document, dict):
        raise AreaError("La géométrie doit être un objet GeoJSON.")
    return document


def check_geometry(document: Any, *, buffer_m: int = 15) -> Checked:
    """The geometry as stored, once it is a polygon, a multipolygon or a line, valid, in
    France, of a sensible size and with at most MAX_VERTICES points. Raises AreaError."""
    document = unwrap(document)
    kind = document.get("type")
    if kind not in ALLOWED_TYPES:
        raise AreaError(
            "Un secteur est un polygone, un multipolygone ou une ligne (tronçon de voie) ; "
            f"« {str(kind)[:40]} » n'est pas accepté."
        )
    if not BUFFER_RANGE[0] <= buffer_m <= BUFFER_RANGE[1]:
        raise AreaError(
            f"La largeur d'une voie doit être comprise entre {BUFFER_RANGE[0]} et "
            f"{BUFFER_RANGE[1]} mètres de part et d'autre."
        )
    _check_coordinates(document.get("coordinates"), depth={"Polygon": 3, "MultiPolygon": 4,
                                                            "LineString": 2}[kind])  # fmt: skip
    try:
        shape = shapely.geometry.shape({"type": kind, "coordinates": document["coordinates"]})
        # 7 decimals (about 1 cm), and no third coordinate: what the maps draw
        shape = shapely.transform(shape, lambda c: c.round(7))
    except (ShapelyError, GEOSException, ValueError, TypeError, IndexError, KeyError):
        raise AreaError("Ce tracé n'est pas une géométrie lisible.") from None
    if shape.is_empty:
        raise AreaError("Ce tracé est vide.")
    if shapely.get_num_coordinates(shape) > MAX_VERTICES:
        raise AreaError(f"Ce tracé a trop de points (au plus {MAX_VERTICES}).")
    if kind != "LineString" and not shape.is_valid:
        reason = explain_validity(shape)
        if "Self-intersection" in reason or "Ring Self-intersection" in reason:
            raise AreaError("Le contour se recoupe lui-même : redessinez-le sans croisement.")
        raise AreaError("Ce polygone n'est pas valide (contour non fermé ou trop peu de points).")
    if kind == "LineString" and shape.length == 0:
        raise AreaError("Une ligne doit relier au moins deux points distincts.")
    minx, miny, maxx, maxy = shape.bounds
    if not any(b[0] <= minx and b[1] <= miny and maxx <= b[2] and maxy <= b[3]
               for b in FRANCE_BOXES):  # fmt: skip
        raise AreaError("Ce tracé sort du territoire français : vérifiez l'ordre longitude, "
                        "latitude des coordonnées.")  # fmt: skip
    local = LocalProjection.around(shape)
    metric = local.forward(shape)
    if kind == "LineString":
        if metric.length > MAX_LINE_KM * 1000:
            raise AreaError(f"Ce tronçon est trop long (au plus {MAX_LINE_KM:g} km).")
        covered = local.inverse(metric.buffer(buffer_m))
        minx, miny, maxx, maxy = covered.bounds
    elif metric.area > MAX_AREA_KM2 * 1_000_000:
        raise AreaError(f"Ce secteur est trop étendu (au plus {MAX_AREA_KM2:g} km²).")
    geometry = shapely.geometry.mapping(shape)
    return Checked(
        geometry=json.loads(json.dumps(geometry)),  # tuples → lists, as JSON stores them
        bbox=[round(minx, 7), round(miny, 7), round(maxx, 7), round(maxy, 7)],
    )


def _check_coordinates(value: Any, *, depth: int) -> None:
    """Nested lists `depth` deep whose leaves are finite numbers (longitude, latitude)."""
    if depth == 1:
        if not isinstance(value, list) or len(value) not in (2, 3) or not all(
            isinstance(n, int | float) and not isinstance(n, bool) and math.isfinite(n)
            for n in value
        ):  # fmt: skip
            raise AreaError("Chaque point doit être une paire de nombres : longitude, latitude.")
        return
    if not isinstance(value, list) or not value:
        raise AreaError("Les coordonnées de ce tracé sont absentes ou mal formées.")
    for item in value:
        _check_coordinates(item, depth=depth - 1)


@dataclass(frozen=True)
class LocalProjection:
    """Metres east and north of (lon0, lat0): equirectangular, good over tens of km."""

    lon0: float
    lat0: float

    @classmethod
    def around(cls, shape: BaseGeometry) -> LocalProjection:
        minx, miny, maxx, maxy = shape.bounds
        return cls((minx + maxx) / 2, (miny + maxy) / 2)

    @property
    def _kx(self) -> float:
        return math.radians(1) * EARTH_RADIUS_M * math.cos(math.radians(self.lat0))

    @property
    def _ky(self) -> float:
        return math.radians(1) * EARTH_RADIUS_M

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.lon0) * self._kx, (lat - self.lat0) * self._ky

    def forward(self, shape: BaseGeometry) -> BaseGeometry:
        kx, ky = self._kx, self._ky
        return shapely.transform(shape, lambda c: (c - [self.lon0, self.lat0]) * [kx, ky])

    def inverse(self, shape: BaseGeometry) -> BaseGeometry:
        kx, ky = self._kx, self._ky
        return shapely.transform(shape, lambda c: c / [kx, ky] + [self.lon0, self.lat0])


@dataclass(frozen=True)
class Prepared:
    """An area ready for point tests: a polygon in WGS 84, or a line in local metres."""

    shape: BaseGeometry
    projection: LocalProjection | None
    buffer_m: float

    def contains(self, lat: float, lon: float) -> bool:
        if self.projection is None:
            return bool(self.shape.intersects(shapely.Point(lon, lat)))
        x, y = self.projection.point(lon, lat)
        return bool(self.shape.dwithin(shapely.Point(x, y), self.buffer_m))


# (pk, width, the geometry's JSON) → prepared area: a redrawn area is never served stale.
_prepared: dict[tuple[Any, ...], Prepared] = {}
MAX_CACHED = 10_000


def prepare(geometry: dict[str, Any], buffer_m: float) -> Prepared:
    shape = shapely.geometry.shape(geometry)
    projection = None
    if shape.geom_type in ("LineString", "MultiLineString"):
        projection = LocalProjection.around(shape)
        shape = projection.forward(shape)
    shapely.prepare(shape)
    return Prepared(shape=shape, projection=projection, buffer_m=float(buffer_m))


def prepared(area: Area) -> Prepared:
    key = (area.pk, area.buffer_m, json.dumps(area.geometry, sort_keys=True))
    found = _prepared.get(key) if area.pk is not None else None
    if found is None:
        found = prepare(area.geometry, area.buffer_m)
        if area.pk is not None:
            if len(_prepared) >= MAX_CACHED:
                _prepared.clear()
            _prepared[key] = found
    return found


def area_contains(area: Area, lat: float, lon: float) -> bool:
    """Whether the point is in `area` (on its border counts; a road line covers `buffer_m`
    metres either side)."""
    if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
        return False
    bbox = area.bbox
    if bbox and not (bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]):
        return False
    return prepared(area).contains(lat, lon)


def areas_at(authority: Any, lat: float, lon: float) -> list[Area]:
    """The authority's active areas that contain the point, by name."""
    authority_id = getattr(authority, "pk", authority)
    candidates = Area.objects.filter(
        authority_id=authority_id, is_active=True,
        bbox__0__lte=lon, bbox__1__lte=lat, bbox__2__gte=lon, bbox__3__gte=lat,
    ).order_by("name")  # fmt: skip
    return [area for area in candidates if area_contains(area, lat, lon)]


def clear_cache() -> None:
    _prepared.clear()
