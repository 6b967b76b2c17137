"""Where the FranceConnect callback's own time goes: the callback profiled in-process.

    .venv/bin/python benchmarks/signin_profile.py [-n 200] [--profile] [--sort tottime]

Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379, as benchmarks/signin.py. It
(re)creates the database `guichet_bench_signin_profile`, starts the test suite's provider
(tests/identity/provider.py, ES256 ID tokens and a signed userinfo JWT, as signin.py) in a
thread, and signs `-n` persons in twice through Django's test client (the whole middleware
stack, DEBUG=0, sessions and cache in Redis). Only the second sign-in of each is measured (the
benchmark's « sign-in again » pass): the callback's CPU in this thread (`time.thread_time`,
so the provider's thread is not counted), its wall time, the part spent waiting on the
provider, and its SQL queries. With `--profile`, cProfile on the same thread CPU clock prints
the heaviest functions and the CPU by package (`CALLEES=regex` also prints what the matching
functions call).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

CLIENT_ID = "guichet-bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--database", default="guichet_bench_signin_profile")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--lines", type=int, default=35)
    args = parser.parse_args()

    import logging

    from identity.provider import running_provider

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the provider's request lines

    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{args.database}"')
        db.execute(f'CREATE DATABASE "{args.database}"')
    with running_provider(CLIENT_ID) as (issuer, facade):
        facade.signing, facade.userinfo = "ES256", "jwt"
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "guichet.config.settings",
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.database}",
                "DATABASE_CONN_MAX_AGE": "600",
                "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/6"),
                "DEBUG": "0",
                "ALLOWED_HOSTS": "testserver",
                "GUICHET_BASE_URL": "http://testserver",
                "GUICHET_RATE_LIMIT_SCALE": "1000000",
                "GUICHET_FRANCECONNECT_ISSUER": issuer,
                "GUICHET_FRANCECONNECT_CLIENT_ID": CLIENT_ID,
                "GUICHET_FRANCECONNECT_CLIENT_SECRET": "secret-du-banc",
            }
        )
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, reset_queries
        from django.test import Client

        call_command("migrate", verbosity=0)
        subs = [f"bench-{n}" for n in range(args.n)]
        for n, sub in enumerate(subs):
            requests.put(
                f"{issuer}/users/{sub}",
                json={"given_name": "Camille", "family_name": f"Essai{n}",
                      "email": f"camille.essai{n}@exemple.fr", "birthdate": "1980-01-01"},
                timeout=5,
            ).raise_for_status()  # fmt: skip

        waited = [0.0]
        send = requests.Session.send

        def timed_send(self, request, **kwargs):
            started = time.perf_counter()
            try:
                return send(self, request, **kwargs)
            finally:
                waited[0] += time.perf_counter() - started

        requests.Session.send = timed_send  # type: ignore[method-assign]
        profiler = cProfile.Profile(timer=time.thread_time) if args.profile else None
        samples: list[tuple[float, float, float, int]] = []
        connection.force_debug_cursor = True

        def callback(client: Client, sub: str, measure: bool) -> None:
            client.get("/connexion/")
            started = client.post("/connexion/franceconnect/")
            assert started.status_code == 302, started.status_code
            consent = requests.post(
                started["Location"], data={"sub": sub}, allow_redirects=False, timeout=10
            )
            back = urlsplit(consent.headers["Location"])
            reset_queries()
            waited[0] = 0.0
            wall, cpu = time.perf_counter(), time.thread_time()
            if measure and profiler:
                profiler.enable()
            answer = client.get(f"{back.path}?{back.query}")
            if measure and profiler:
                profiler.disable()
            cpu = (time.thread_time() - cpu) * 1000
            wall = (time.perf_counter() - wall) * 1000
            assert answer.status_code == 302 and answer["Location"] == "/mes-demandes/", (
                answer.status_code,
                answer.content[:300],
            )
            if measure:
                samples.append((cpu, wall - waited[0] * 1000, waited[0] * 1000,
                                len(connection.queries)))  # fmt: skip

        for sub in subs:  # the first sign-in creates the person
            callback(Client(), sub, measure=False)
        for sub in subs:
            callback(Client(), sub, measure=True)
        queries = list(connection.queries)
    cpu, own, provider, counts = zip(*samples, strict=True)
    print(f"{len(samples)} callbacks (sign-in again), in-process, DEBUG=0, PostgreSQL + Redis")
    for name, values in (("CPU ms", cpu), ("own ms (wall - provider)", own),
                         ("provider ms", provider)):  # fmt: skip
        ordered = sorted(values)
        print(f"  {name:<26} p50 {statistics.median(values):6.2f}  "
              f"p95 {ordered[int(0.95 * (len(ordered) - 1))]:6.2f}  max {ordered[-1]:6.2f}")  # fmt: skip
    print(f"  SQL queries per callback: {statistics.median(counts):.0f}")
    for query in queries:
        print(f"    {query['sql'][:160]}")
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats(args.sort).print_stats(args.lines)
        if os.environ.get("CALLEES"):
            stats.print_callees(os.environ["CALLEES"])
        by_package: dict[str, float] = {}
        for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
            where = filename.split("site-packages/")[-1].split("/")[0]
            if "/guichet/" in filename:
                where = "guichet/" + filename.split("/guichet/")[-1].split("/")[0]
            elif "site-packages" not in filename:
                where = "python" if filename.startswith(("/", "<")) else filename
            by_package[where] = by_package.get(where, 0.0) + tottime
        total = sum(by_package.values())
        print("CPU by package (own time of its functions, share of the profiled callbacks):")
        for where, spent in sorted(by_package.items(), key=lambda kv: -kv[1])[:15]:
            print(f"  {where:<28} {100 * spent / total:5.1f} %")


if __name__ == "__main__":
    main()
