"""FranceConnect sign-in through a local provider: the callback's round trip, our own time.

    .venv/bin/python benchmarks/signin.py [--clients 1,4,16] [--duration 15] [--users 300]

Needs PostgreSQL on 127.0.0.1:5432 (trust auth) and Redis on 127.0.0.1:6379, as
benchmarks/intake.py. The script (re)creates the database `guichet_bench_signin`, starts the
test suite's provider (oidc-provider-mock behind the FranceConnect-like facade of
tests/identity/provider.py: ES256 ID tokens, userinfo as a signed JWT, tokens living 60 s) in
a process of its own, and gunicorn (4 sync workers, DEBUG=0, sessions and cache in Redis)
serving `benchmarks/signin_wsgi.py`, the product with timers. Then each client signs in again
and again, as a browser would: the sign-in page (CSRF cookie), the FranceConnect button (our
redirect to the provider with state and nonce), the provider's page (one of `--users` persons
chosen at random), and the callback: state checked, code traded at the token endpoint, ID token
verified, userinfo JWT verified, the person found and linked (a journal event), the session
opened. Only the callback is measured: its time in the worker, the part of it spent waiting
on the provider, and the difference, **our own time** (target: p99 < 50 ms at 16 clients).
A first pass signs every person in once (creating them: reported apart). Results go to
benchmarks/results/signin-<date>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_provider(port: int, client_id: str) -> None:
    """The provider process (`--serve-provider PORT`)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from datetime import timedelta

    import werkzeug.serving
    from identity.provider import FranceConnectLike
    from oidc_provider_mock import app as mock_app

    facade = FranceConnectLike(
        mock_app(require_nonce=True, access_token_max_age=timedelta(seconds=60)), client_id
    )
    facade.signing, facade.userinfo = "ES256", "jwt"
    werkzeug.serving.make_server("127.0.0.1", port, facade, threaded=True).serve_forever()


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=10)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer in {seconds} s")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def sign_in(base: str, sub: str) -> dict[str, float]:
    """One whole sign-in; the callback's timings."""
    browser = requests.Session()
    page = browser.get(f"{base}/connexion/", timeout=10)
    token = TOKEN.search(page.text).group(1)
    started = browser.post(
        f"{base}/connexion/franceconnect/",
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/connexion/"},
        allow_redirects=False,
        timeout=10,
    )
    assert started.status_code == 302, started.status_code
    consent = requests.post(
        started.headers["Location"], data={"sub": sub}, allow_redirects=False, timeout=10
    )
    back = urlsplit(consent.headers["Location"])
    t0 = time.perf_counter()
    callback = browser.get(f"{base}{back.path}?{back.query}", allow_redirects=False, timeout=30)
    seen = (time.perf_counter() - t0) * 1000
    assert callback.status_code == 302 and callback.headers["Location"] == "/mes-demandes/", (
        callback.status_code,
        callback.text[:300],
    )
    total = float(callback.headers["X-Bench-Total-Ms"])
    provider = float(callback.headers["X-Bench-Provider-Ms"])
    return {
        "client_ms": seen,
        "total_ms": total,
        "provider_ms": provider,
        "own_ms": total - provider,
        "cpu_ms": float(callback.headers["X-Bench-Cpu-Ms"]),
        "db_ms": float(callback.headers["X-Bench-Db-Ms"]),
    }


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (from /proc: Linux only)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


def children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(p) for p in found]


# Whose CPU a level used, per sign-in: set by main() to {"workers": [...], "provider": [...]}.
PROCESSES: dict[str, list[int]] = {}


def run_level(base: str, subs: list[str], clients: int, *, duration: float | None) -> dict:
    """`clients` threads signing in for `duration` seconds (or each sub once when None)."""
    before = {name: cpu_seconds(pids) for name, pids in PROCESSES.items()}
    clients_before = time.process_time()
    samples: list[dict[str, float]] = []
    errors: list[str] = []
    queue = list(subs)
    lock = threading.Lock()
    stop = time.monotonic() + (duration or 1e9)

    def worker() -> None:
        rng = random.Random()  # noqa: S311
        while time.monotonic() < stop:
            with lock:
                if duration is None:
                    if not queue:
                        return
                    sub = queue.pop()
                else:
                    sub = rng.choice(subs)
            try:
                sample = sign_in(base, sub)
            except Exception as error:  # noqa: BLE001 - counted and shown
                with lock:
                    errors.append(repr(error)[:200])
                continue
            with lock:
                samples.append(sample)

    began = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    summary: dict = {"clients": clients, "sign_ins": len(samples), "errors": len(errors),
                     "error_examples": errors[:3], "per_second": len(samples) / elapsed}  # fmt: skip
    # CPU per whole sign-in (four pages), by process: what the two cores were shared between.
    done = max(len(samples), 1)
    summary["cpu_ms_per_sign_in"] = {
        name: round((cpu_seconds(pids) - before[name]) * 1000 / done, 2)
        for name, pids in PROCESSES.items()
    } | {"clients": round((time.process_time() - clients_before) * 1000 / done, 2)}
    for key in ("own_ms", "total_ms", "provider_ms", "client_ms", "cpu_ms", "db_ms"):
        values = [s[key] for s in samples] or [0.0]
        summary[key] = {
            "p50": round(statistics.median(values), 2),
            "p95": round(percentile(values, 95), 2),
            "p99": round(percentile(values, 99), 2),
        }
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--duration", type=float, default=15)
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--database", default="guichet_bench_signin")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--pin",
        action="store_true",
        help="gunicorn on the last CPU, the provider and the clients on the others (the "
        "provider's CPU then never lands in our own time)",
    )
    parser.add_argument("--serve-provider", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    client_id = "guichet-bench"
    if args.serve_provider:
        serve_provider(args.serve_provider, client_id)
        return

    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{args.database}"')
        db.execute(f'CREATE DATABASE "{args.database}"')
    data_dir = Path(tempfile.mkdtemp(prefix="guichet-signin-"))
    provider_port, web_port = free_port(), free_port()
    issuer, base = f"http://127.0.0.1:{provider_port}", f"http://127.0.0.1:{web_port}"
    env = os.environ | {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.database}",
        "DATABASE_CONN_MAX_AGE": "600",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/5"),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "GUICHET_DATA_DIR": str(data_dir),
        "GUICHET_BASE_URL": base,
        "GUICHET_RATE_LIMIT_SCALE": "1000000",
        "GUICHET_FRANCECONNECT_ISSUER": issuer,
        "GUICHET_FRANCECONNECT_CLIENT_ID": client_id,
        "GUICHET_FRANCECONNECT_CLIENT_SECRET": "secret-du-banc",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "benchmarks"), str(ROOT / "src")]),
    }
    subprocess.run([str(VENV_BIN / "guichet"), "migrate", "-v", "0"], env=env, check=True)
    cpus = sorted(os.sched_getaffinity(0))
    ours, theirs = ({cpus[-1]}, set(cpus[:-1])) if args.pin and len(cpus) > 1 else (None, None)

    def on(cpu_set):
        return (lambda: os.sched_setaffinity(0, cpu_set)) if cpu_set else None

    processes = [
        subprocess.Popen(
            [sys.executable, __file__, "--serve-provider", str(provider_port)], env=env,
            stderr=subprocess.DEVNULL, preexec_fn=on(theirs),
        ),
        subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "signin_wsgi:application", "-w", str(args.workers),
             "-b", f"127.0.0.1:{web_port}", "--log-level", "warning"], env=env,
            preexec_fn=on(ours),
        ),
    ]  # fmt: skip
    if theirs:
        os.sched_setaffinity(0, theirs)  # the clients beside the provider
    try:
        wait_for(f"{issuer}/.well-known/openid-configuration")
        wait_for(f"{base}/connexion/")
        subs = [f"bench-{n}" for n in range(args.users)]
        for n, sub in enumerate(subs):
            requests.put(
                f"{issuer}/users/{sub}",
                json={"given_name": "Camille", "family_name": f"Essai{n}",
                      "email": f"camille.essai{n}@exemple.fr", "birthdate": "1980-01-01"},
                timeout=5,
            ).raise_for_status()  # fmt: skip
        for _ in range(2 * args.workers):  # each worker reads discovery and keys once
            sign_in(base, subs[0])
        PROCESSES["provider"] = [processes[0].pid]
        PROCESSES["workers"] = children(processes[1].pid)
        results = {
            "date": datetime.now().isoformat(timespec="seconds"),
            "workers": args.workers,
            "pinned": bool(ours),
            "users": args.users,
            "first_sign_in": run_level(base, subs[1:], 4, duration=None),
            "levels": [
                run_level(base, subs, int(c), duration=args.duration)
                for c in args.clients.split(",")
            ],
        }
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(10)
        shutil.rmtree(data_dir, ignore_errors=True)
    out = ROOT / "benchmarks" / "results" / f"signin-{datetime.now():%Y-%m-%d-%H%M}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print("| pass | clients | callbacks/s | own p50 · p95 · p99 ms | provider p99 ms | "
          "in worker p99 ms | seen by client p99 ms | CPU p50 · p99 ms | DB p50 · p99 ms | "
          "CPU per sign-in: workers · provider · clients ms | errors |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, level in [("first sign-in", results["first_sign_in"])] + [
        ("sign-in again", level) for level in results["levels"]
    ]:
        own, cpu = level["own_ms"], level["cpu_ms_per_sign_in"]
        print(
            f"| {name} | {level['clients']} | {level['per_second']:.0f} | "
            f"{own['p50']} · {own['p95']} · {own['p99']} | {level['provider_ms']['p99']} | "
            f"{level['total_ms']['p99']} | {level['client_ms']['p99']} | "
            f"{level['cpu_ms']['p50']} · {level['cpu_ms']['p99']} | "
            f"{level['db_ms']['p50']} · {level['db_ms']['p99']} | "
            f"{cpu['workers']} · {cpu['provider']} · {cpu['clients']} | "
            f"{level['errors']} |"
        )
    print(f"results: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
