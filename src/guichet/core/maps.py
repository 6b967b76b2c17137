"""The maps' background tiles, from settings: what the pages hand to Leaflet, and the origin
the Content-Security-Policy must let images come from.

`GUICHET_MAP_TILES_URL` is a Leaflet tile URL template (`{z}`, `{x}`, `{y}`), for instance
IGN's "Plan IGN" through the Géoplateforme's WMTS or OpenStreetMap's tiles (README, "Maps");
empty, the maps draw the commune outlines on a plain background (the default, and what
offline tests see).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings


@dataclass(frozen=True)
class Tiles:
    url: str
    attribution: str
    origin: str


@lru_cache(maxsize=8)
def _tiles(url: str, attribution: str) -> Tiles | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None  # not a tile server's address: no background rather than a broken one
    return Tiles(url=url, attribution=attribution, origin=f"{parts.scheme}://{parts.netloc}")


def tiles() -> Tiles | None:
    """The configured tile layer, or None for outline-only maps (read at each call, so a
    changed setting applies at once)."""
    url = getattr(settings, "GUICHET_MAP_TILES_URL", "") or ""
    if not url.strip():
        return None
    return _tiles(
        url.strip(), (getattr(settings, "GUICHET_MAP_TILES_ATTRIBUTION", "") or "").strip()
    )
