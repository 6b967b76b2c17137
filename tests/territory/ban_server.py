"""A local HTTP server answering in the Base Adresse Nationale's API format, for every test.

It listens on 127.0.0.1 in a thread (a real socket) and answers `GET /search/?q=…&limit=…
[&lat=…&lon=…]` and `GET /reverse/?lat=…&lon=…` with GeoJSON FeatureCollections built from
`ADDRESSES`: a few real-looking addresses in Sceaux (92071, 92330), one in Bourg-la-Reine
(92014) next door and two in Paris (outside the test worlds' territory). Its `mode` makes it
misbehave: "timeout" (answers after `delay` seconds), "error" (HTTP 500), "garbage" (HTML
instead of JSON), "not-geojson" (JSON without features). It keeps what it was asked.

Use the `ban_server` fixture (it also points GUICHET_GEOCODER_URL at the server, with a short
timeout): imported in a conftest (`from territory.ban_server import ban_server`), or defined in
a test module with `running_ban_server(settings)`; `start_ban_server()` → (url, stop) outside
pytest's fixtures.
"""

from __future__ import annotations

import json
import math
import re
import threading
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

# label, type, housenumber, street (or name), postcode, city, citycode, lat, lon
ADDRESSES = [
    ("12 Rue Houdan 92330 Sceaux", "housenumber", "12", "Rue Houdan", "92330", "Sceaux",
     "92071", 48.7781, 2.2899),
    ("122 Rue Houdan 92330 Sceaux", "housenumber", "122", "Rue Houdan", "92330", "Sceaux",
     "92071", 48.7766, 2.2908),
    ("Rue Houdan 92330 Sceaux", "street", "", "Rue Houdan", "92330", "Sceaux", "92071",
     48.7774, 2.2925),
    ("1 Avenue du Président Franklin Roosevelt 92330 Sceaux", "housenumber", "1",
     "Avenue du Président Franklin Roosevelt", "92330", "Sceaux", "92071", 48.7760, 2.2980),
    ("8 Rue Michel Charaire 92330 Sceaux", "housenumber", "8", "Rue Michel Charaire", "92330",
     "Sceaux", "92071", 48.7805, 2.2940),
    ("Sceaux", "municipality", "", "", "92330", "Sceaux", "92071", 48.7765, 2.2965),
    ("1 Grande Rue 92340 Bourg-la-Reine", "housenumber", "1", "Grande Rue", "92340",
     "Bourg-la-Reine", "92014", 48.7800, 2.3160),
    ("20 Avenue de Ségur 75007 Paris", "housenumber", "20", "Avenue de Ségur", "75007",
     "Paris", "75107", 48.8506, 2.3093),
    ("Place de l'Hôtel de Ville 75004 Paris", "street", "", "Place de l'Hôtel de Ville",
     "75004", "Paris", "75104", 48.8565, 2.3524),
]  # fmt: skip
REVERSE_WITHIN_METRES = 500
MODES = {"ok", "timeout", "error", "garbage", "not-geojson"}


def words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return re.findall(r"[a-z0-9]+", plain)


def metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dx = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6_371_000 * math.hypot(dx, math.radians(lat2 - lat1))


def feature(address: tuple, score: float, distance: float | None = None) -> dict:
    label, kind, number, street, postcode, city, citycode, lat, lon = address
    properties = {
        "label": label, "score": round(score, 4), "type": kind, "postcode": postcode,
        "city": city, "citycode": citycode, "context": f"{citycode[:2]}, …",
        "x": 0, "y": 0, "importance": 0.6,
        "id": f"{citycode}_{zlib.crc32(label.encode()) % 10000:04d}",
    }  # fmt: skip
    if kind == "housenumber":
        properties |= {"housenumber": number, "street": street, "name": f"{number} {street}"}
    elif kind == "street":
        properties |= {"street": street, "name": street}
    else:
        properties |= {"name": city}
    if distance is not None:
        properties["distance"] = round(distance)
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }


def search(q: str, limit: int, near: tuple[float, float] | None) -> list[dict]:
    asked = words(q)
    found = []
    for address in ADDRESSES:
        known = words(address[0]) + [address[4], address[6]]
        if asked and all(any(w.startswith(a) for w in known) for a in asked):
            exact = sum(a in known for a in asked)  # whole words before beginnings of words
            score = min(1.0, 0.4 + 0.3 * exact / len(asked) + 0.3 * len(asked) / len(known))
            away = metres(near[0], near[1], address[7], address[8]) if near else 0.0
            found.append((-score, away, address, score))
    found.sort(key=lambda row: (row[0], row[1]))
    return [feature(address, score) for _s, _a, address, score in found[:limit]]


def reverse(lat: float, lon: float) -> list[dict]:
    nearby = sorted((metres(lat, lon, a[7], a[8]), a) for a in ADDRESSES if a[1] != "municipality")
    return [
        feature(address, 1 - away / REVERSE_WITHIN_METRES, away)
        for away, address in nearby[:1]
        if away <= REVERSE_WITHIN_METRES
    ]


class BanServer:
    """The server: `url`, `mode` (changed at will), `delay`, and `asked` [(path, params)]."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.delay = 5.0
        self.asked: list[tuple[str, dict[str, str]]] = []
        self.stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                parts = urlsplit(self.path)
                params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                server.asked.append((parts.path, params))
                if server.mode == "timeout":
                    server.stopping.wait(server.delay)
                if server.mode == "error":
                    self.answer(500, b'{"code": 500, "message": "Internal Server Error"}')
                elif server.mode == "garbage":
                    self.answer(200, b"<html><body>Bad gateway</body></html>", "text/html")
                elif server.mode == "not-geojson":
                    self.answer(200, b'{"hello": "world"}')
                else:
                    self.route(parts.path, params)

            def route(self, path: str, params: dict[str, str]) -> None:
                try:
                    if path in ("/search", "/search/"):
                        q = params.get("q", "")
                        if not 3 <= len(q.strip()) <= 200:
                            raise ValueError("q must contain between 3 and 200 chars")
                        near = None
                        if "lat" in params and "lon" in params:
                            near = (float(params["lat"]), float(params["lon"]))
                        limit = int(params.get("limit", "5"))
                        features = search(q, limit, near)
                        extra = {"query": q, "limit": limit}
                    elif path in ("/reverse", "/reverse/"):
                        features = reverse(float(params["lat"]), float(params["lon"]))
                        extra = {}
                    else:
                        self.answer(404, b'{"code": 404, "message": "Not Found"}')
                        return
                except (KeyError, ValueError) as invalid:
                    body = json.dumps({"code": 400, "message": str(invalid)})
                    self.answer(400, body.encode())
                    return
                collection = {
                    "type": "FeatureCollection", "version": "draft", "features": features,
                    "attribution": "BAN", "licence": "ETALAB-2.0", **extra,
                }  # fmt: skip
                self.answer(200, json.dumps(collection, ensure_ascii=False).encode())

            def answer(self, status: int, body: bytes, kind: str = "application/json") -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", f"{kind}; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the client gave up (a timeout test): nothing to say
                    pass

            def log_message(self, *args) -> None:  # quiet
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> BanServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def asked_paths(self) -> list[str]:
        return [path for path, _params in self.asked]


def start_ban_server() -> tuple[str, Callable[[], None]]:
    """Start a server outside pytest's fixtures: its URL and the function that stops it."""
    server = BanServer().start()
    return server.url, server.stop


@contextmanager
def running_ban_server(settings) -> Iterator[BanServer]:
    """A running server, with GUICHET_GEOCODER_URL pointing at it (0.5 s timeout) through
    pytest-django's `settings` fixture. In a test module that cannot import the fixture:

        @pytest.fixture
        def ban_server(settings):
            with running_ban_server(settings) as server:
                yield server
    """
    server = BanServer().start()
    settings.GUICHET_GEOCODER_URL = server.url
    settings.GUICHET_GEOCODER_TIMEOUT = 0.5
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def ban_server(settings) -> Iterator[BanServer]:
    """A running BAN-format server, with GUICHET_GEOCODER_URL pointing at it (0.5 s timeout)."""
    with running_ban_server(settings) as server:
        yield server
