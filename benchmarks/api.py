"""Requests created and read through the native API and Open311, on PostgreSQL, under load.

    .venv/bin/python benchmarks/api.py [--requests 1000000] [--reuse] [--duration 10]

One run: the benchmark database of `intake_data.py` (1 M requests by default; `--reuse` keeps
it), an API key (read + write) for the busiest town hall, gunicorn (4 sync workers, sessions
and rate-limit counters in Redis), then wrk at increasing concurrency:
  - POST /api/v1/requests (JSON, "dépôt sauvage" with a point, a new person and a unique
    Idempotency-Key each);
  - GET  /api/v1/requests/{reference} (random requests of that authority);
  - POST /open311/v2/requests.json (form-encoded, api_key, lat/long in the commune);
  - GET  /open311/v2/requests/{id}.json?jurisdiction_id=… (random public reports);
and prints them beside the web intake figures of the latest `intake.py` run
(benchmarks/results/intake-*.json). Results go to benchmarks/results/api-<date>.json.
Traffic stays on 127.0.0.1; every level stops by itself.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import intake_data
import psycopg
from intake import HERE, Measured, console, count, show, start_server, wrk
from rich.table import Table

LEVELS = (1, 4, 16, 64)
READ_SAMPLE = 5_000


def prepare(database: str, workdir: Path) -> dict:
    """An API key for the busiest town hall, a point inside its commune, paths to read."""
    intake_data.setup_django(database, workdir / "data")
    from shapely.geometry import shape

    from guichet.api.keys import issue_key
    from guichet.authorities.models import Authority
    from guichet.core.journal import Actor

    with psycopg.connect(intake_data.database_url(database)) as connection:
        authority_id = connection.execute(
            """SELECT a.id FROM cases_request r JOIN authorities_authority a ON a.id = r.authority_id
               WHERE a.kind = 'commune' GROUP BY a.id ORDER BY count(*) DESC LIMIT 1"""
        ).fetchone()[0]
        references = [row[0] for row in connection.execute(
            "SELECT reference FROM cases_request WHERE authority_id = %s ORDER BY random() LIMIT %s",
            [authority_id, READ_SAMPLE],
        )]  # fmt: skip
        public = [row[0] for row in connection.execute(
            """SELECT r.reference FROM cases_request r JOIN catalogue_service s ON s.id = r.service_id
               WHERE r.authority_id = %s AND s.channels::jsonb ? 'open311'
               ORDER BY random() LIMIT %s""",
            [authority_id, READ_SAMPLE],
        )]  # fmt: skip
    authority = Authority.objects.select_related("commune").get(pk=authority_id)
    _, key = issue_key(
        actor=Actor.system("benchmark"), authority=authority, application="benchmark",
        scopes=["read", "write"],
    )  # fmt: skip
    point = shape(authority.commune.boundary).representative_point()
    api_paths, open311_paths = workdir / "api-paths.txt", workdir / "open311-paths.txt"
    api_paths.write_text("".join(f"/api/v1/requests/{ref}\n" for ref in references))
    open311_paths.write_text(
        "".join(
            f"/open311/v2/requests/{ref}.json?jurisdiction_id={authority.slug}\n" for ref in public
        )
    )
    return {
        "authority": authority.slug, "commune": authority.commune.code, "key": key,
        "lat": f"{point.y:.6f}", "lon": f"{point.x:.6f}",
        "api_paths": api_paths, "open311_paths": open311_paths, "public_sample": len(public),
    }  # fmt: skip


def creation(kind: str, path: str, database: str, port: int, place: dict, duration: int) -> list:
    levels = []
    for clients in LEVELS:
        before = count(database, "cases_request")
        env = {
            "BENCH_KIND": kind, "BENCH_PATH": path, "BENCH_KEY": place["key"],
            "BENCH_RUN": f"{time.time_ns()}", "BENCH_COMMUNE": place["commune"],
            "BENCH_JURISDICTION": place["authority"], "BENCH_LAT": place["lat"],
            "BENCH_LON": place["lon"],
        }  # fmt: skip
        result = wrk("api_post.lua", clients, duration, env, port)
        time.sleep(1)  # requests in flight when wrk stopped still commit
        result["created"] = count(database, "cases_request") - before
        levels.append(result)
        show(f"{kind} création", result)
    return levels


def reading(kind: str, paths: Path, key: str, port: int, duration: int) -> list:
    levels = []
    for clients in LEVELS:
        env = {"BENCH_PATHS": str(paths), "BENCH_KEY": key, "BENCH_COOKIE": ""}
        result = wrk("intake_get.lua", clients, duration, env, port)
        levels.append(result)
        show(f"{kind} lecture", result)
    return levels


def latest_intake() -> dict | None:
    runs = sorted((HERE / "results").glob("intake-*.json"))
    return json.loads(runs[-1].read_text()) if runs else None


def table(results: dict) -> Table:
    out = Table(title="API et Open311 (débit en req/s, latences en ms)")
    for column in ("mesure", "clients", "débit", "p50", "p99", "erreurs"):
        out.add_column(column, justify="right" if column != "mesure" else "left")
    for label, key in (("API création", "api_create"), ("API lecture", "api_read"),
                       ("Open311 création", "open311_create"), ("Open311 lecture", "open311_read"),
                       ("portail web création (intake.py)", "web_create")):  # fmt: skip
        for level in results.get(key) or []:
            out.add_row(label, str(level["clients"]), f"{level['throughput']:.1f}",
                        f"{level['p50_ms']:.1f}", f"{level['p99_ms']:.1f}", str(level["errors"]))  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--database", default=intake_data.DEFAULT_DATABASE)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8732)
    args = parser.parse_args()
    if not args.database.startswith("guichet_bench"):
        sys.exit("the database name must start with guichet_bench (it is dropped)")
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    Measured.database = args.database
    workdir = Path(tempfile.gettempdir()) / args.database
    os.environ |= {"GUICHET_RATE_LIMIT_SCALE": "1000000", "DEBUG": "0"}
    load = intake_data.build(database=args.database, requests=args.requests, reuse=args.reuse,
                             workdir=workdir, console=console)  # fmt: skip
    place = prepare(args.database, workdir)
    results = {"date": datetime.now().isoformat(timespec="seconds"), "requests": load.requests,
               "duration": args.duration, "workers": args.workers, "cpus": os.cpu_count(),
               "authority": place["authority"]}  # fmt: skip
    server = start_server(args.database, workdir, args.port, args.workers)
    try:
        results["api_create"] = creation("api", "/api/v1/requests", args.database, args.port,
                                         place, args.duration)  # fmt: skip
        results["api_read"] = reading("api", place["api_paths"], place["key"], args.port,
                                      args.duration)  # fmt: skip
        results["open311_create"] = creation("open311", "/open311/v2/requests.json",
                                             args.database, args.port, place, args.duration)  # fmt: skip
        results["open311_read"] = reading("open311", place["open311_paths"], "", args.port,
                                          args.duration)  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
    intake = latest_intake()
    if intake:
        results["web_create"] = intake.get("creation")
        results["web_create_run"] = intake.get("date")
    console.print(table(results))
    out = HERE / "results" / f"api-{datetime.now():%Y-%m-%d-%H%M}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    console.print(f"Résultats : {out}")


if __name__ == "__main__":
    main()
