"""Request intake and tracking under load, against PostgreSQL's own ceiling, in one run.

    .venv/bin/python benchmarks/intake.py [--requests 1000000] [--reuse] [--duration 15]

1. The database: `intake_data.build()` (fresh `guichet_bench` with the demo world and N
   requests; `--reuse` keeps it, deletes what earlier runs filed, loads only what lacks),
   then read into PostgreSQL's buffers (pg_prewarm).
2. gunicorn (4 sync workers) serves the product on 127.0.0.1, GUICHET_RATE_LIMIT_SCALE=1000000.
3. wrk drives, for --duration seconds per level: web filings (POST of the real form, the
   count of requests must grow by the successes), tracking pages of random requests among
   the N, the agent queue of the largest authority (a real login's session cookie). Each
   level records the CPU each part (gunicorn, PostgreSQL, Redis, wrk) spent per request.
4. pgbench inserts the same rows straight into PostgreSQL at the same concurrency: the
   ceiling (the request row alone, and every row of a filing, checked against the tables a
   real filing writes).
5. Each endpoint is profiled once in-process (queries per request, pyinstrument).
6. The database goes back to its loaded state.
Results: a table on stdout and benchmarks/results/intake-<date>.json. Traffic: 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import datetime
from pathlib import Path

import psycopg
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))
import intake_data  # noqa: E402

HERE = Path(__file__).resolve().parent
HOST = "127.0.0.1"
CREATE_LEVELS = (1, 4, 16, 64)
TRACK_LEVELS = (1, 4, 16, 32, 64)
QUEUE_LEVELS = (4, 16)
SERVICE, SERVICE_NAME = "question-generale", "Poser une question à la mairie"
DEMO_PASSWORD = "demo-guichet"  # noqa: S105 — the demo accounts' published password
console = Console(highlight=False)


def cpu_busy() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def process_times() -> dict[int, tuple[int, int, str]]:
    """{pid: (parent pid, CPU jiffies, command name)} of every process, from /proc."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            raw = stat.read_text()
        except OSError:
            continue
        name, fields = raw[raw.index("(") + 1 : raw.rindex(")")], raw.rsplit(")", 1)[1].split()
        found[int(stat.parent.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]), name)
    return found


def kind_of(name: str) -> str:
    """Which part of the system a process is, by its command name."""
    for prefix, kind in (("gunicorn", "gunicorn"), ("postgres", "postgresql"),
                         ("redis", "redis"), ("wrk", "wrk"), ("pgbench", "pgbench")):  # fmt: skip
        if name.startswith(prefix):
            return kind
    return "other"


def foreign_cores(before: dict, after: dict, seconds: float, ours: set[int]) -> float:
    """CPU (in cores) used meanwhile by processes that are not this benchmark's: other jobs
    on the shared machine. Ours: this process's descendants and our database's backends."""
    mine = {os.getpid(), *ours}
    changed = True
    while changed:
        grown = {pid for pid, (parent, _, _) in after.items() if parent in mine} - mine
        mine |= grown
        changed = bool(grown)
    jiffies = sum(
        used - before[pid][1]
        for pid, (_, used, _) in after.items()
        if pid not in mine and pid in before
    )
    return jiffies / os.sysconf("SC_CLK_TCK") / seconds


def cores_by_kind(before: dict, after: dict, seconds: float) -> dict[str, float]:
    """CPU used meanwhile (in cores) by the server, the database, Redis and the load generator,
    whoever started them (PostgreSQL's backends are children of its postmaster)."""
    used: dict[str, int] = {}
    for pid, (_, jiffies, name) in after.items():
        kind = kind_of(name)
        if kind != "other":
            used[kind] = used.get(kind, 0) + jiffies - before.get(pid, (0, 0, ""))[1]
    return {kind: n / os.sysconf("SC_CLK_TCK") / seconds for kind, n in used.items()}


def backends(database: str) -> set[int]:
    with psycopg.connect(intake_data.database_url("postgres")) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", [database]
        ).fetchall()
    return {pid for (pid,) in rows}


class Measured:
    """Machine CPU use, child processes' CPU time (the load generator) and other jobs' CPU."""

    database = intake_data.DEFAULT_DATABASE

    def __enter__(self):
        self.processes = process_times()
        self.cpu = cpu_busy()
        self.children = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        busy, total = cpu_busy()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.seconds = time.perf_counter() - self.started
        self.machine_cpu = (busy - self.cpu[0]) / max(total - self.cpu[1], 1)
        used = (after.ru_utime + after.ru_stime) - (self.children.ru_utime + self.children.ru_stime)
        self.client_cpu = used / self.seconds  # in cores
        after = process_times()
        self.foreign = foreign_cores(self.processes, after, self.seconds, backends(self.database))
        self.by_kind = cores_by_kind(self.processes, after, self.seconds)


def wrk(script: str, concurrency: int, duration: int, env: dict[str, str], port: int) -> dict:
    out = Path(tempfile.mkstemp(prefix="wrk-", suffix=".json")[1])
    threads = min(2, concurrency)
    command = ["wrk", "-t", str(threads), "-c", str(concurrency), "-d", f"{duration}s",
               "--timeout", "10s", "-s", str(HERE / script), f"http://{HOST}:{port}/"]  # fmt: skip
    with Measured() as measured:
        subprocess.run(command, env=os.environ | env | {"BENCH_OUT": str(out)}, check=True,
                       capture_output=True)  # fmt: skip
    result = json.loads(out.read_text())
    out.unlink()
    seconds = result["duration_us"] / 1e6
    ok = result["requests"] - result["status_errors"] - result["socket_errors"]
    # CPU milliseconds each part spent per request: what throughput on 2 cores divides.
    per_request = {kind: round(cores * 1000 / max(ok / seconds, 1e-9), 2)
                   for kind, cores in measured.by_kind.items() if cores > 0.001}  # fmt: skip
    return {
        "clients": concurrency, "requests": result["requests"], "ok": ok,
        "errors": result["status_errors"] + result["socket_errors"] + result["timeouts"],
        "throughput": ok / seconds, "p50_ms": result["p50_us"] / 1000,
        "p95_ms": result["p95_us"] / 1000, "p99_ms": result["p99_us"] / 1000,
        "max_ms": result["max_us"] / 1000, "machine_cpu": round(measured.machine_cpu, 3),
        "client_cpu_cores": round(measured.client_cpu, 3),
        "other_jobs_cores": round(measured.foreign, 2), "cpu_ms_per_request": per_request,
    }  # fmt: skip


def get(port: int, path: str, cookies: dict[str, str] | None = None):
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    return response, response.read().decode()


def cookies_of(response) -> dict[str, str]:
    found = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";")[0]
    return found


def start_server(database: str, workdir: Path, port: int, workers: int) -> subprocess.Popen:
    env = intake_data.guichet_env(database, workdir / "data") | {
        "DATABASE_CONN_MAX_AGE": "600", "GUICHET_RATE_LIMIT_SCALE": "1000000", "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Production-like: sessions and rate-limit counters in Redis, not in files or tables.
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    }  # fmt: skip
    log = (workdir / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [intake_data.VENV_BIN / "gunicorn", "guichet.config.wsgi:application", "-w",
         str(workers), "-b", f"{HOST}:{port}"],
        env=env, stdout=log, stderr=log, cwd=intake_data.REPO,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if get(port, "/")[0].status == 200:
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer within 60 s (see {workdir / 'gunicorn.log'})")


def count(database: str, table: str) -> int:
    with psycopg.connect(intake_data.database_url(database)) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def busiest_place(database: str) -> dict:
    """The commune whose town hall receives the most requests, with what pgbench needs."""
    with psycopg.connect(intake_data.database_url(database)) as connection:
        row = connection.execute(
            """SELECT a.slug, c.code, r.authority_id, r.commune_id, r.team_id, r.service_id,
                      min(r.person_id)
               FROM cases_request r JOIN catalogue_service s ON s.id = r.service_id
               JOIN authorities_authority a ON a.id = r.authority_id
               JOIN territory_commune c ON c.id = r.commune_id
               WHERE s.slug = %s GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY count(*) DESC LIMIT 1""",
            [SERVICE],
        ).fetchone()
        biggest = connection.execute(
            """SELECT a.slug, count(*) FROM cases_request r
               JOIN authorities_authority a ON a.id = r.authority_id
               GROUP BY 1 ORDER BY 2 DESC LIMIT 1"""
        ).fetchone()
    keys = ("slug", "code", "authority", "commune", "team", "service", "person")
    return dict(zip(keys, row, strict=True)) | {"queue_authority": biggest[0],
                                                 "queue_requests": biggest[1]}  # fmt: skip


def creation(
    database: str, port: int, place: dict, duration: int, workdir: Path, loaded: dict
) -> tuple[list[dict], list[dict], list[dict]]:
    """Web filings at each level, each followed at once by pgbench at the same concurrency
    (every row of a filing, then the request row alone): the ratio compares two runs a few
    seconds apart on the same machine state. The database goes back to its loaded state after
    each level, so that no level files against the previous ones' persons."""
    path = f"/communes/{place['code']}/services/{SERVICE}/demande/"
    response, _ = get(port, path)
    csrf = cookies_of(response)["csrftoken"]  # Django accepts the unmasked secret as token
    from guichet.demo.names import FIRST_NAMES, LAST_NAMES

    def env() -> dict[str, str]:
        return {"BENCH_PATH": path, "BENCH_CSRF": csrf, "BENCH_RUN": f"{time.time_ns()}",
                "BENCH_FIRST": " ".join(FIRST_NAMES), "BENCH_LAST": " ".join(LAST_NAMES)}  # fmt: skip

    # Every worker loads its code, templates and caches on its first requests: not measured.
    wrk("intake_post.lua", 8, 4, env(), port)
    intake_data.back_to_marks(database, loaded)
    filings, whole, row = [], [], []
    tables = ("cases_request", "people_duplicatesuspicion")
    for clients in CREATE_LEVELS:
        before = {table: count(database, table) for table in tables}
        result = wrk("intake_post.lua", clients, duration, env(), port)
        time.sleep(1)  # requests in flight when wrk stopped still commit
        grown = {table: count(database, table) - before[table] for table in tables}
        result["created"], suspicions = grown["cases_request"], grown["people_duplicatesuspicion"]
        result["suspicions_per_filing"] = round(suspicions / max(result["created"], 1), 3)
        intake_data.back_to_marks(database, loaded)
        show("création", result)
        # The ceiling's duplicate suspicions at the rate these filings raised them.
        suspect = min(round(100 * result["suspicions_per_filing"]), 100)
        whole.append(pgbench(database, "intake_ceiling_filing.sql", place, clients, duration,
                             workdir, suspect))  # fmt: skip
        row.append(pgbench(database, "intake_ceiling_request.sql", place, clients, duration,
                           workdir))  # fmt: skip
        result["ceiling_ratio"] = round(result["throughput"] / row[-1]["throughput"], 4)
        result["filing_ceiling_ratio"] = round(result["throughput"] / whole[-1]["throughput"], 4)
        result["ceiling_suspect_percent"] = suspect
        filings.append(result)
    # The levels inserted and deleted tens of thousands of requests at the top of the busiest
    # queue: vacuum their dead index entries, as a production table never holds so many.
    with psycopg.connect(intake_data.database_url(database), autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE cases_request, core_event, people_person, "
                           "people_identity, notifications_notification")  # fmt: skip
    return filings, whole, row


def tracking_cookie(secret: str) -> str:
    """The Cookie header a browser sends on a request's pages after following its secret link."""
    from django.core import signing

    from guichet.portal.views.tracking import LINK_COOKIE, LINK_COOKIE_SALT

    value = signing.get_cookie_signer(salt=LINK_COOKIE + LINK_COOKIE_SALT).sign(secret)
    return f"{LINK_COOKIE}={value}"


def tracking(port: int, sample: Path, duration: int, workdir: Path) -> list[dict]:
    paths = workdir / "tracking-paths.txt"
    pairs = [line.split() for line in sample.read_text().splitlines() if line.strip()]
    # The receipt's link (`?cle=`) answers a 303 that moves the secret into a cookie scoped to
    # the request's pages (ADR 0012): each page is read as the browser then reads it.
    paths.write_text("".join(f"/suivi/{ref}\t{tracking_cookie(secret)}\n" for ref, secret in pairs))
    wrk("intake_get.lua", 4, 3, {"BENCH_PATHS": str(paths)}, port)  # warm-up, not reported
    levels = []
    for clients in TRACK_LEVELS:
        result = wrk("intake_get.lua", clients, duration, {"BENCH_PATHS": str(paths)}, port)
        levels.append(result)
        show("suivi", result)
    return levels


def agent_session(port: int, username: str) -> dict[str, str]:
    response, _ = get(port, "/agents/connexion/")
    jar = cookies_of(response)
    body = urllib.parse.urlencode(
        {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": jar["csrftoken"]}
    )
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    connection.request("POST", "/agents/connexion/", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={jar['csrftoken']}"})  # fmt: skip
    response = connection.getresponse()
    response.read()
    jar |= cookies_of(response)
    if response.status != 302 or "sessionid" not in jar:
        raise SystemExit(f"login of {username} refused ({response.status})")
    return jar


def queue(port: int, place: dict, duration: int, workdir: Path) -> list[dict]:
    username = f"instructeur.{place['queue_authority']}"
    jar = agent_session(port, username)
    response, page = get(port, "/agents/", jar)
    if response.status != 200 or "File des demandes" not in page:
        raise SystemExit(f"the agent queue answered {response.status}")
    paths = workdir / "queue-paths.txt"
    paths.write_text("/agents/\n")
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    wrk("intake_get.lua", 4, 3, {"BENCH_PATHS": str(paths), "BENCH_COOKIE": cookie}, port)
    levels = []
    for clients in QUEUE_LEVELS:
        result = wrk("intake_get.lua", clients, duration,
                     {"BENCH_PATHS": str(paths), "BENCH_COOKIE": cookie}, port)  # fmt: skip
        levels.append(result | {"agent": username})
        show("file agents", result)
    return levels


def pgbench(database: str, script: str, place: dict, clients: int, duration: int,
            workdir: Path, suspect_percent: int = 0) -> dict:  # fmt: skip
    """TPS and latency percentiles (from pgbench's per-transaction log) at one level; the
    rows it wrote are deleted afterwards."""
    marks = intake_data.table_marks(database)
    variables = [f"-D{k}={place[k] if place[k] is not None else 'NULL'}"
                 for k in ("authority", "commune", "team", "service", "person")]  # fmt: skip
    variables.append(f"-Dsuspect_percent={suspect_percent}")
    logs = workdir / f"pgbench-{clients}"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir()
    command = ["pgbench", "-n", "-f", str(HERE / script), "-c", str(clients), "-j",
               str(min(2, clients)), "-T", str(duration), "-l", "--log-prefix", str(logs / "log"),
               *variables, intake_data.database_url(database)]  # fmt: skip
    try:
        with Measured() as measured:
            output = subprocess.run(command, capture_output=True, text=True, check=True)
    finally:
        intake_data.back_to_marks(database, marks)
    tps = float(re.search(r"tps = ([\d.]+)", output.stdout).group(1))
    latencies = sorted(
        int(line.split()[2]) / 1000
        for log in logs.iterdir() for line in log.read_text().splitlines()
    )  # fmt: skip
    shutil.rmtree(logs)
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    level = {"clients": clients, "throughput": tps, "p50_ms": cuts[49], "p95_ms": cuts[94],
             "p99_ms": cuts[98], "machine_cpu": round(measured.machine_cpu, 3),
             "other_jobs_cores": round(measured.foreign, 2),
             # pgbench's server processes end with it, before /proc is read again: the whole
             # machine's CPU per transaction instead.
             "cpu_ms_per_request": {"machine": round(
                 measured.machine_cpu * (os.cpu_count() or 1) * 1000 / tps, 3)}}  # fmt: skip
    show(f"pgbench {script.removeprefix('intake_ceiling_').removesuffix('.sql')}", level)
    return level


def database_in_memory(database: str) -> dict:
    """The server's settings that matter here, and the whole database read into its buffers
    (pg_prewarm): a production server keeps its working set in memory; this virtual machine's
    page cache gives files back to the host within minutes, so without it a run measures the
    disk. Warns when `shared_buffers` cannot hold the database."""
    with psycopg.connect(intake_data.database_url(database), autocommit=True) as connection:
        settings = {name: connection.execute(f"SHOW {name}").fetchone()[0]
                    for name in ("shared_buffers", "synchronous_commit", "fsync",
                                 "max_connections", "server_version")}  # fmt: skip
        size, buffers = connection.execute(
            "SELECT pg_database_size(current_database()), "
            "(SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'shared_buffers')"
        ).fetchone()
        settings["database_bytes"] = size
        if buffers < size:
            console.print(
                f"[yellow]shared_buffers ({settings['shared_buffers']}) < base "
                f"({size / 2**30:.1f} Go) : une partie des lectures ira au disque. "
                "ALTER SYSTEM SET shared_buffers = '4GB' puis redémarrer PostgreSQL.[/]"
            )
        connection.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        started = time.perf_counter()
        pages = connection.execute(
            """SELECT coalesce(sum(pg_prewarm(c.oid)), 0) FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i', 't', 'm')"""
        ).fetchone()[0]
        settings["prewarmed_pages"] = pages
        # Start every run from a clean checkpoint: the reset's deletions would otherwise be
        # flushed in the middle of the first level (a one-second stall of every commit).
        connection.execute("CHECKPOINT")
        console.print(f"Base chargée en mémoire : {pages:,} pages en "
                      f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    return settings


def tables_written_by_a_filing(filing_queries: list[str]) -> set[str]:
    return {m.group(1) for q in filing_queries if (m := re.match(r'\s*INSERT INTO "?(\w+)"?', q))}


def tables_in_ceiling_script() -> set[str]:
    text = (HERE / "intake_ceiling_filing.sql").read_text()
    return set(re.findall(r"^INSERT INTO (\w+)", text, flags=re.MULTILINE))


def show(label: str, result: dict) -> None:
    cpu = result.get("cpu_ms_per_request", {})
    console.print(
        f"  {label:<28} {result['clients']:>3} clients : {result['throughput']:8.1f}/s  "
        f"p50 {result['p50_ms']:7.1f} ms  p99 {result['p99_ms']:7.1f} ms"
        + (f"  erreurs {result['errors']}" if result.get("errors") else "")
        + (f"  créées {result['created']}/{result['ok']}" if "created" in result else "")
        + "  CPU ms/req "
        + " ".join(f"{k} {v:.2f}" for k, v in sorted(cpu.items()))
        + f"  (autres tâches : {result.get('other_jobs_cores', 0):.2f} cœur)"
    )


def profile(place: dict, queue_user: str) -> dict:
    """Each endpoint once in-process: queries, SQL time, total time, pyinstrument's top."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    from guichet.cases.models import Request

    visitor, agent = Client(), Client()
    agent.login(username=queue_user, password=DEMO_PASSWORD)
    tracked = list(Request.objects.order_by("?").values_list("reference", "tracking_secret")[:20])
    form = {"sujet": "Horaires", "message": "Bonjour, quels sont les horaires ?",
            "reponse_par": "courriel", "contact-first_name": "Camille",
            "contact-last_name": "Martin"}  # fmt: skip
    endpoints = {
        "création": lambda i: visitor.post(
            f"/communes/{place['code']}/services/{SERVICE}/demande/",
            form | {"courriel": f"p{i}.{time.time_ns()}@exemple.fr",
                    "contact-email": f"p{i}.{time.time_ns()}@exemple.fr"}),
        "suivi": lambda i: visitor.get(f"/suivi/{tracked[i][0]}", headers={
            "cookie": tracking_cookie(tracked[i][1])}),
        "file agents": lambda i: agent.get("/agents/"),
    }  # fmt: skip
    found = {}
    for name, call in endpoints.items():
        call(0)  # warm caches and connections
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            profiler = Profiler(interval=0.0005)
            with profiler:
                statuses = [call(i).status_code for i in range(1, 11)]
            total = (time.perf_counter() - started) / 10
        sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000 / 10
        if name == "création":
            found["filing_inserts"] = sorted(
                tables_written_by_a_filing([q["sql"] for q in queries.captured_queries])
            )
        found[name] = {
            "statuses": sorted(set(statuses)), "queries": len(queries) / 10,
            "sql_ms": round(sql_ms, 2), "total_ms": round(total * 1000, 2),
            "profile": profiler.output_text(unicode=False, color=False, show_all=False),
        }  # fmt: skip
        console.print(f"  profil {name:<12} {found[name]['queries']:.1f} requêtes SQL, "
                      f"SQL {sql_ms:.1f} ms sur {total * 1000:.1f} ms")  # fmt: skip
    return found


def summary_table(results: dict) -> Table:
    table = Table(title=f"Guichet — intake ({results['requests']:,} demandes)")
    columns = ("mesure", "clients", "débit /s", "p50 ms", "p95 ms", "p99 ms", "CPU machine",
               "CPU ms/req serveur", "CPU ms/req PostgreSQL", "autres tâches")  # fmt: skip
    for column in columns:
        table.add_column(column, justify="right" if column != "mesure" else "left")
    for key, label in (("creation", "création (web)"), ("ceiling_request", "pgbench INSERT"),
                       ("ceiling_filing", "pgbench dépôt complet"), ("tracking", "suivi"),
                       ("queue", "file agents")):  # fmt: skip
        for level in results.get(key, []):
            cpu = level.get("cpu_ms_per_request", {})
            server = cpu.get("gunicorn", 0)
            table.add_row(label, str(level["clients"]), f"{level['throughput']:.1f}",
                          f"{level['p50_ms']:.1f}", f"{level['p95_ms']:.1f}",
                          f"{level['p99_ms']:.1f}", f"{level.get('machine_cpu', 0):.0%}",
                          f"{server:.2f}", f"{cpu.get('postgresql', cpu.get('machine', 0)):.2f}",
                          f"{level.get('other_jobs_cores', 0):.2f} cœur")  # fmt: skip
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--database", default=intake_data.DEFAULT_DATABASE)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8731)
    args = parser.parse_args()
    if not args.database.startswith("guichet_bench"):
        sys.exit("the database name must start with guichet_bench (it is dropped)")
    Measured.database = args.database
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    workdir = Path(tempfile.gettempdir()) / args.database
    os.environ |= {"GUICHET_RATE_LIMIT_SCALE": "1000000", "DEBUG": "0"}
    load = intake_data.build(database=args.database, requests=args.requests, reuse=args.reuse,
                             workdir=workdir, console=console)  # fmt: skip
    loaded = intake_data.loaded_marks(args.database, workdir)
    place = busiest_place(args.database)
    results = {"date": datetime.now().isoformat(timespec="seconds"), "requests": load.requests,
               "load_seconds": load.seconds, "duration": args.duration, "workers": args.workers,
               "cpus": os.cpu_count(), "place": place,
               "postgresql": database_in_memory(args.database)}  # fmt: skip
    console.print(
        f"gunicorn -w {args.workers} sur {HOST}:{args.port}, {args.duration} s par palier"
    )
    server = start_server(args.database, workdir, args.port, args.workers)
    try:
        results["creation"], results["ceiling_filing"], results["ceiling_request"] = creation(
            args.database, args.port, place, args.duration, workdir, loaded
        )
        results["tracking"] = tracking(args.port, load.sample_path, args.duration, workdir)
        results["queue"] = queue(args.port, place, args.duration, workdir)
    finally:
        server.terminate()
        server.wait(timeout=30)
    results["profile"] = profile(place, f"instructeur.{place['queue_authority']}")
    written, scripted = set(results["profile"].pop("filing_inserts")), tables_in_ceiling_script()
    results["ceiling_tables"] = {"filing": sorted(written), "pgbench": sorted(scripted)}
    if written - scripted:  # the script would be a ceiling of less work than a filing does
        console.print(f"[red]Le plafond pgbench n'écrit pas dans {sorted(written - scripted)} "
                      "comme un dépôt : mettre intake_ceiling_filing.sql à jour.[/]")  # fmt: skip
    console.print(summary_table(results))
    console.print(
        "création / plafond du dépôt complet (mêmes lignes) : "
        + ", ".join(
            f"{m['clients']} clients {m['filing_ceiling_ratio']:.1%}" for m in results["creation"]
        )
    )
    console.print(
        "création / plafond de la seule ligne de demande : "
        + ", ".join(f"{m['clients']} clients {m['ceiling_ratio']:.1%}" for m in results["creation"])
    )
    deleted = intake_data.back_to_marks(args.database, loaded)
    console.print(f"Base remise dans l'état chargé ({sum(deleted.values()):,} lignes supprimées)")  # fmt: skip
    out = HERE / "results" / f"intake-{datetime.now():%Y-%m-%d-%H%M}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    console.print(f"Résultats : {out}")


if __name__ == "__main__":
    main()
