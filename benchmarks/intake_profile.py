"""Load-independent cost of filing, tracking and the agent queue, per request, in-process.

    .venv/bin/python benchmarks/intake_profile.py [-n 30] [--only suivi] [--profile]

Against the benchmark database of `intake_data.py` (guichet_bench, 1 M requests), through
the Django test client, with the settings `intake.py` gives gunicorn (DEBUG off, sessions and
rate-limit counters in Redis). For each endpoint: SQL queries per request, SQL time, the CPU
time of this Python process (`time.process_time`) and of its PostgreSQL backend (from
/proc/<pid>/stat) per request. CPU time does not grow when other jobs load the machine, unlike
wall-clock time, so before/after comparisons hold on a shared machine. `--profile` adds a
pyinstrument tree per endpoint. Filings are deleted afterwards (every row with an id above the
marks taken before the run, in the tables that grew).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import intake_data  # noqa: E402
from intake import tracking_cookie  # noqa: E402

SERVICE = "question-generale"
DEMO_PASSWORD = "demo-guichet"  # noqa: S105 — the demo accounts' published password
TICKS = os.sysconf("SC_CLK_TCK")


def tolerant_urls() -> None:
    """Serve the real URL map; if a module of it does not import (other people's work in
    progress on a shared tree), serve the others and say so, rather than measure nothing."""
    import importlib
    import types

    from django.conf import settings
    from django.urls import include, path

    try:
        importlib.import_module(settings.ROOT_URLCONF)
        return
    except ImportError as broken:
        print(f"warning: {settings.ROOT_URLCONF} does not import ({broken}); skipping what fails")
    patterns = []
    for prefix, module in (("agents/", "guichet.backoffice.urls"), ("", "guichet.portal.urls"),
                           ("notifications/", "guichet.notifications.urls"),
                           ("satisfaction/", "guichet.satisfaction.urls")):  # fmt: skip
        try:
            patterns.append(path(prefix, include(module)))
        except ImportError as broken:
            print(f"warning: without {module} ({broken})")
    urls = types.ModuleType("intake_profile_urls")
    urls.urlpatterns = patterns
    sys.modules["intake_profile_urls"] = urls
    settings.ROOT_URLCONF = "intake_profile_urls"


def backend_cpu(pid: int) -> float:
    """Seconds of CPU used so far by the PostgreSQL backend `pid` (same machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def busiest(connection) -> tuple[str, str]:
    """(INSEE code of the commune that files most `question-generale`, busiest authority)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.code FROM cases_request r
               JOIN catalogue_service s ON s.id = r.service_id
               JOIN territory_commune c ON c.id = r.commune_id
               WHERE s.slug = %s GROUP BY 1 ORDER BY count(*) DESC LIMIT 1""",
            [SERVICE],
        )
        code = cursor.fetchone()[0]
        cursor.execute(
            """SELECT a.slug FROM cases_request r JOIN authorities_authority a
               ON a.id = r.authority_id GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"""
        )
        return code, cursor.fetchone()[0]


def tracked_sample(connection, n: int) -> list[tuple[str, str]]:
    """n random (reference, secret) pairs, without sorting a million rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reference, tracking_secret FROM cases_request "
            "TABLESAMPLE SYSTEM (0.1) REPEATABLE (2026) "
            "LIMIT %s",
            [n],
        )
        return cursor.fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=30, help="requests per endpoint and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the cheapest is shown")
    parser.add_argument("--only", action="append", choices=("dépôt", "suivi", "file"))
    parser.add_argument("--profile", action="store_true", help="print pyinstrument trees")
    parser.add_argument("--sql", action="store_true", help="print the queries of one request")
    parser.add_argument("--database", default=intake_data.DEFAULT_DATABASE)
    args = parser.parse_args()
    os.environ |= {
        "GUICHET_RATE_LIMIT_SCALE": "1000000", "DEBUG": "0",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    }  # fmt: skip
    intake_data.setup_django(args.database, Path(tempfile.gettempdir()) / args.database / "data")

    tolerant_urls()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    code, authority = busiest(connection)
    tracked = tracked_sample(connection, args.n * args.rounds + 1)
    visitor, agent = Client(), Client()
    if not agent.login(username=f"instructeur.{authority}", password=DEMO_PASSWORD):
        sys.exit(f"login of instructeur.{authority} refused")
    run = time.time_ns()
    from guichet.demo.names import FIRST_NAMES, LAST_NAMES

    form = {"sujet": "Horaires", "message": "Bonjour, quels sont les horaires ?",
            "reponse_par": "courriel"}  # fmt: skip

    def fresh(client: Client) -> Client:
        # A new visitor each time (wrk sends no cookie). Not a new Client: building one loads
        # the middleware again, and WhiteNoise's scans the static files (~250 ms).
        client.cookies.clear()
        return client

    def filing(i: int):
        email = f"profil.{run}.{i}@exemple.fr"
        return fresh(visitor).post(
            f"/communes/{code}/services/{SERVICE}/demande/",
            # names drawn from the demo's lists like wrk's filings (look-alikes included),
            # URL-encoded as the form's script sends it when no file is chosen
            urlencode(form | {
                "courriel": email, "piece_jointe": "",
                "contact-email": email,
                "contact-first_name": FIRST_NAMES[i * 7 % len(FIRST_NAMES)],
                "contact-last_name": LAST_NAMES[i * 13 % len(LAST_NAMES)],
            }),
            content_type="application/x-www-form-urlencoded",
        )  # fmt: skip

    endpoints = {
        "dépôt": (filing, 302),
        # the page as read after the receipt's link moved its secret into a cookie (ADR 0012)
        "suivi": (
            lambda i: fresh(visitor).get(
                f"/suivi/{tracked[i][0]}", headers={"cookie": tracking_cookie(tracked[i][1])}
            ),
            200,
        ),
        "file": (lambda i: agent.get("/agents/"), 200),
    }

    def measure(call, first: int) -> tuple[list[int], dict, float, float, float]:
        """(statuses, queries, CPU s, PostgreSQL CPU s, wall s) of n calls from `first` on."""
        pid = connection.connection.info.backend_pid
        with CaptureQueriesContext(connection) as queries:
            backend_started, cpu_started = backend_cpu(pid), time.process_time()
            wall_started = time.perf_counter()
            statuses = [call(i).status_code for i in range(first, first + args.n)]
            wall = time.perf_counter() - wall_started
            cpu = time.process_time() - cpu_started
            backend = backend_cpu(pid) - backend_started
        return statuses, queries, cpu, backend, wall

    before = intake_data.table_marks(args.database)
    rows = []
    try:
        for name, (call, expected) in endpoints.items():
            if args.only and name not in args.only:
                continue
            call(0)  # warm caches, templates and the connection
            profiler = None
            if args.profile:
                from pyinstrument import Profiler

                profiler = Profiler(interval=0.0005)
                profiler.start()
            # Several rounds, the cheapest kept: other jobs on the machine only ever add.
            rounds = [measure(call, 1 + r * args.n) for r in range(args.rounds)]
            if profiler is not None:
                profiler.stop()
            statuses, queries, cpu, backend, wall = min(rounds, key=lambda m: m[2] + m[3])
            if args.sql:
                print(f"--- {name}: the queries of one request")
                for query in queries.captured_queries[: len(queries) // args.n]:
                    print(f"{float(query['time']) * 1000:6.2f} ms  {query['sql'][:160]}")
            if set(statuses) != {expected}:
                sys.exit(f"{name}: answered {sorted(set(statuses))}, expected {expected}")
            sql = sum(float(q["time"]) for q in queries.captured_queries)
            rows.append((name, len(queries) / args.n, 1000 * sql / args.n, 1000 * cpu / args.n,
                         1000 * backend / args.n, 1000 * wall / args.n))  # fmt: skip
            if profiler is not None:
                print(profiler.output_text(unicode=False, color=False, show_all=False))
    finally:
        deleted = intake_data.back_to_marks(args.database, before)
    print(f"{args.n} requests per endpoint, cheapest of {args.rounds} rounds, commune {code}, "
          f"queue of instructeur.{authority}")  # fmt: skip
    print(
        f"{'endpoint':<8} {'queries':>8} {'SQL ms':>8} {'CPU ms':>8} {'PG CPU ms':>10} {'wall ms':>8}"
    )
    for name, queries, sql, cpu, backend, wall in rows:
        print(f"{name:<8} {queries:8.1f} {sql:8.1f} {cpu:8.1f} {backend:10.1f} {wall:8.1f}")
    if deleted:
        print("deleted afterwards: " + ", ".join(f"{t} {n}" for t, n in sorted(deleted.items())))


if __name__ == "__main__":
    main()
