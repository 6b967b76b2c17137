""" "Already reported nearby" (issue 16) on 1,000,000 requests: the look-up alone, and what it
adds to a filing.

    .venv/bin/python benchmarks/nearby.py [--requests 1000000] [--lookups 2000] [--filings 300]
        [--database-url postgres://…/guichet_nearby_bench] [--no-save]

One run in a fresh data folder (SQLite) or a PostgreSQL database dropped and created again:
migrate, the shipped territory and catalogue, the four demo towns' authorities, then N
requests written in bulk (PostgreSQL: COPY; SQLite: executemany in one transaction) over two
years: six place-based services, points drawn around Sceaux, Issy-les-Moulineaux, Tours and
Gien (a normal law of 1.5 km around each town hall, a fifth of them around a few hundred "hot
spots" of a few metres, like a pothole everyone reports), 8 % still open. ANALYZE, then:

Each time is measured twice: wall clock, and this thread's CPU time (`time.thread_time`: the
look-up's Python and, on SQLite, the database's own work, without the time the operating
system gave other processes; on a shared 2-core machine the wall clock's tail is mostly other
jobs' time slices).

- **lookup**: `cases.nearby.nearby_requests` (radius 50 m, 30 days) at `--lookups` points
  drawn like the requests, for a random one of the six services: p50, p95, p99, max (ms) and
  the share of look-ups that found something;
- **filing**: `cases.actions.submit_request` of a pothole in Sceaux, `--filings` times each,
  without the look-up and with it (the filing, then the look-up excluding the new request, in
  the same transaction: what the API and the counter do); p50, p95, p99 (ms) of each and of
  the difference of their percentiles.

Target (issue 16): the look-up adds less than 5 ms p99 to a filing on PostgreSQL. Results go
to benchmarks/results/nearby-<date>-<database>.json.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from harness import copy_text, django_on_fresh_database, save_result

PLACE_SERVICES = (
    "signalement-voirie", "eclairage-public-en-panne", "arbre-dangereux", "depot-sauvage",
    "assainissement", "route-departementale",
)  # fmt: skip
# town hall of each demo town, and its share of the requests
TOWNS = {
    "92071": ((48.7779, 2.2905), 0.2),  # Sceaux
    "92040": ((48.8245, 2.2730), 0.3),  # Issy-les-Moulineaux
    "37261": ((47.3941, 0.6848), 0.4),  # Tours
    "45155": ((47.6884, 2.6305), 0.1),  # Gien
}
SPREAD_M = 1_500
HOT_SPOTS = 400
DAYS = 730
OPEN_SHARE = 0.08
M_PER_DEG = 111_195.08


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 3)

    return {
        "p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "max": round(ordered[-1], 3),
        "mean": round(statistics.fmean(ordered), 3), "n": len(ordered),
    }  # fmt: skip


class Points:
    """Points drawn like reports: around a town hall, or at one of a few hot spots."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.codes = list(TOWNS)
        self.weights = [TOWNS[c][1] for c in self.codes]
        self.spots = [self.around(self.town()) for _ in range(HOT_SPOTS)]

    def town(self) -> str:
        return self.rng.choices(self.codes, self.weights)[0]

    def around(self, code: str, spread: float = SPREAD_M) -> tuple[str, float, float]:
        (lat, lon), _ = TOWNS[code]
        north, east = self.rng.gauss(0, spread), self.rng.gauss(0, spread)
        return (
            code,
            lat + north / M_PER_DEG,
            lon + east / (M_PER_DEG * math.cos(math.radians(lat))),
        )

    def draw(self) -> tuple[str, float, float]:
        if self.rng.random() < 0.2:
            code, lat, lon = self.rng.choice(self.spots)
            return (
                code,
                lat + self.rng.gauss(0, 5) / M_PER_DEG,
                lon + self.rng.gauss(0, 5) / M_PER_DEG,
            )
        return self.around(self.town())


def setup_world():
    from django.core.management import call_command

    from guichet.authorities import actions as authorities
    from guichet.catalogue.actions import load_catalogue, set_reports_settings
    from guichet.catalogue.models import Service
    from guichet.core.journal import Actor
    from guichet.people import actions as people
    from guichet.territory.selectors import commune_by_code

    actor = Actor.system("benchmark")
    call_command("import_territory", verbosity=0, quiet=True)
    load_catalogue(actor=actor)
    towns = {}
    for code in TOWNS:
        commune = commune_by_code(code)
        towns[code] = authorities.create_authority(
            actor=actor, kind="commune", name=f"Ville de {commune.name}", slug=f"ville-{code}",
            commune=commune,
        )  # fmt: skip
    services = list(Service.objects.filter(slug__in=PLACE_SERVICES))
    for service in services:
        set_reports_settings(service=service, actor=actor, nearby_radius_m=50, nearby_days=30)
    person = people.create_person(
        actor=actor, first_name="Camille", last_name="Banc", email="camille@exemple.fr"
    )
    return towns, services, person


def rows(count: int, towns, services, person, now: datetime, seed: int, communes: dict):
    """The requests to write, as tuples in COLUMNS' order (no query: they are written while
    the connection is busy with the COPY)."""
    rng = random.Random(seed)
    points = Points(rng)
    for number in range(count):
        code, lat, lon = points.draw()
        service = rng.choice(services)
        received = now - timedelta(seconds=rng.uniform(0, DAYS * 86_400))
        is_open = rng.random() < OPEN_SHARE
        yield (
            f"B{number:011d}", "0" * 32, service.pk, service.current_version_id, False,
            towns[code].pk, person.pk, "web", "in_progress" if is_open else "closed",
            "ongoing" if is_open else "done", service.name, "{}", "", communes[code], lat, lon,
            received, "[]", None if is_open else received + timedelta(days=3), received,
        )  # fmt: skip


COLUMNS = (
    "reference", "tracking_secret", "service_id", "service_version_id", "is_test",
    "authority_id", "person_id", "channel", "state", "public_status", "summary", "form_data",
    "address", "commune_id", "latitude", "longitude", "received_at", "pauses", "resolved_at",
    "updated_at",
)  # fmt: skip


def load(count: int, world, now: datetime, seed: int) -> float:
    from django.db import connection, transaction

    from guichet.territory.selectors import commune_by_code

    started = time.perf_counter()
    communes = {code: commune_by_code(code).pk for code in TOWNS}
    data = rows(count, *world, now, seed, communes)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg.copy import LibpqWriter

            columns = ", ".join(COLUMNS)
            raw = cursor.cursor
            # text lines, sent in blocks of 20,000 rows from this thread
            with raw.copy(
                f"COPY cases_request ({columns}) FROM STDIN", writer=LibpqWriter(raw)
            ) as copy:
                block = io.StringIO()
                for number, row in enumerate(data, 1):
                    block.write("\t".join(copy_text(value) for value in row) + "\n")
                    if number % 20_000 == 0:
                        copy.write(block.getvalue())
                        block = io.StringIO()
                copy.write(block.getvalue())
        else:
            marks = ", ".join(["%s"] * len(COLUMNS))
            sql = f"INSERT INTO cases_request ({', '.join(COLUMNS)}) VALUES ({marks})"
            batch = []
            for row in data:
                batch.append(row)
                if len(batch) == 50_000:
                    cursor.executemany(sql, batch)
                    batch.clear()
            if batch:
                cursor.executemany(sql, batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def lookups(count: int, services, seed: int) -> dict:
    from guichet.cases.nearby import nearby_requests

    rng = random.Random(seed + 1)
    points = Points(rng)
    for _ in range(50):  # warm-up: plans cached, pages in memory
        _, lat, lon = points.draw()
        nearby_requests(rng.choice(services), lat, lon)
    times, cpu, found = [], [], 0
    for _ in range(count):
        _, lat, lon = points.draw()
        service = rng.choice(services)
        started, started_cpu = time.perf_counter(), time.thread_time()
        near = nearby_requests(service, lat, lon)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        times.append((time.perf_counter() - started) * 1000)
        found += bool(near)
    return {
        "wall": percentiles(times),
        "cpu": percentiles(cpu),
        "found_share": round(found / count, 3),
    }


def filings(count: int, world, seed: int) -> dict:
    from django.db import transaction

    from guichet.cases.actions import submit_request
    from guichet.cases.nearby import nearby_requests
    from guichet.catalogue.models import Service
    from guichet.core.journal import Actor
    from guichet.territory.selectors import commune_by_code

    _, _, person = world
    roads = Service.objects.get(slug="signalement-voirie")
    sceaux = commune_by_code("92071")
    rng = random.Random(seed + 2)
    points = Points(rng)

    def file(with_lookup: bool) -> tuple[float, float]:
        _, lat, lon = points.around("92071", 300)
        started, started_cpu = time.perf_counter(), time.thread_time()
        with transaction.atomic():
            filed = submit_request(
                service=roads, person=person, channel="api", actor=Actor.system("benchmark"),
                form_data={"nature": "nid_de_poule", "description": "Un trou.",
                           "emplacement": {"lat": lat, "lon": lon}},
                commune=sceaux,
            )  # fmt: skip
            if with_lookup:
                nearby_requests(roads, lat, lon, exclude=filed.pk)
        return (time.perf_counter() - started) * 1000, (time.thread_time() - started_cpu) * 1000

    for _ in range(20):
        file(True)
        file(False)
    without, with_ = [], []
    for _ in range(count):  # interleaved: both see the same machine
        without.append(file(False))
        with_.append(file(True))
    result = {}
    for clock, index in (("wall", 0), ("cpu", 1)):
        plain = percentiles([t[index] for t in without])
        looked = percentiles([t[index] for t in with_])
        result[clock] = {
            "without_lookup": plain,
            "with_lookup": looked,
            "added": {k: round(looked[k] - plain[k], 3) for k in ("p50", "p95", "p99", "mean")},
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=2_000)
    parser.add_argument("--filings", type=int, default=300)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    vendor = django_on_fresh_database("nearby", args.database_url)
    world = setup_world()
    print(f"world ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    now = datetime.now(UTC)
    load_seconds = load(args.requests, world, now, args.seed)
    print(f"{args.requests} requests written in {load_seconds:.1f} s", file=sys.stderr)
    result = {
        "benchmark": "nearby",
        "database": vendor,
        "requests": args.requests,
        "load_seconds": round(load_seconds, 1),
        "radius_m": 50,
        "days": 30,
        "lookup_ms": lookups(args.lookups, world[1], args.seed),
        "filing_ms": filings(args.filings, world, args.seed),
        "python": sys.version.split()[0],
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    if args.no_save:
        import json

        print(json.dumps(result, indent=2))
    else:
        save_result("nearby", vendor, result)


if __name__ == "__main__":
    main()
