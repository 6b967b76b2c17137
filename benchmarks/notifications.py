"""Broadcast enqueue time and e-mail delivery throughput through `guichet worker`, local SMTP.

    .venv/bin/python benchmarks/notifications.py [--persons 100000] [--processes 2]
        [--smtp-sessions 2] [--batch 200] [--database-url postgres://…/guichet_tasks_bench]
        [--profile] [--no-save]

One run in a fresh data folder (or a PostgreSQL database dropped and created again): migrate,
the shipped territory, one town hall, `--persons` opted-in persons with an e-mail; then
`notifications.actions.broadcast` (timed: the enqueue; it also enqueues the `deliver_outbox`
wake-up task), then `guichet worker --once` in its own process(es), with the default task
backend (database), against an aiosmtpd sink (its own process) that accepts everything, until
the outbox is empty (timed: the throughput). Targets (issue 3): 100,000 queued in under 30 s;
at least 500 e-mails/s.

Besides wall-clock rates it reports the CPU seconds each side used per e-mail (worker, SMTP
sink): on a machine shared with other jobs these say what the rate would be on idle cores.
`--profile` instead delivers in this process under pyinstrument (one process, for reading).
Results go to benchmarks/results/notifications-<date>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def fresh_postgres(url: str) -> None:
    """Drop and create the benchmark database named in `url`."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    if not name.startswith("guichet_bench_notif") and not name.endswith("_tasks_bench"):
        raise SystemExit("refusing to drop a database not made for this benchmark")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    # Two processes for two cores; two SMTP sessions each overlap the round trips.
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--smtp-sessions", type=int, default=2)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="guichet-bench-notif-"))
    # A worker runs with DEBUG off in production; DEBUG's query log costs ~10 % here.
    os.environ.update(
        GUICHET_DATA_DIR=str(workdir), DJANGO_SETTINGS_MODULE="guichet.config.settings",
        DEBUG="0", GUICHET_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
    )  # fmt: skip
    os.environ.pop("DATABASE_URL", None)
    if args.database_url:
        fresh_postgres(args.database_url)
        os.environ["DATABASE_URL"] = args.database_url
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections

    from guichet.authorities import actions as authorities
    from guichet.core.journal import Actor
    from guichet.notifications import actions
    from guichet.notifications.models import Notification
    from guichet.people.models import Consent, Identity, Person
    from guichet.territory.selectors import commune_by_code

    result: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "persons": args.persons,
        "processes": args.processes,
        "smtp_sessions": args.smtp_sessions,
        "batch": args.batch,
        "cpus": os.cpu_count(),
        "load_average_before": os.getloadavg(),
    }
    system = Actor.system("benchmark")
    call_command("migrate", verbosity=0)
    call_command("import_territory", verbosity=0, quiet=True)
    sceaux = commune_by_code("92071")
    town_hall = authorities.create_authority(
        actor=system, kind="commune", name="Ville de Sceaux", slug="sceaux", commune=sceaux
    )
    started = time.perf_counter()
    persons = Person.objects.bulk_create(
        [Person(first_name=f"P{n}", last_name="Test", commune=sceaux) for n in range(args.persons)],
        batch_size=5000,
    )
    Identity.objects.bulk_create(
        [Identity(person=p, kind="email", value=f"p{p.pk}@exemple.fr") for p in persons],
        batch_size=5000,
    )
    Consent.objects.bulk_create(
        [Consent(person=p, purpose="broadcast", granted=True) for p in persons], batch_size=5000
    )
    print(f"data: {args.persons} persons in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    queued = actions.broadcast(
        authority=town_hall, actor=system, message="Collecte des encombrants le 3 mars.",
        channels=["email"],
    )  # fmt: skip
    enqueue = time.perf_counter() - started
    result |= {"queued": queued, "enqueue_seconds": round(enqueue, 2)}
    print(f"enqueue: {queued} notifications in {enqueue:.1f} s ({queued / enqueue:.0f}/s)")

    # The SMTP server runs in its own process, as a real relay would: in the worker's it would
    # share the interpreter lock with it.
    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
         "-c", "aiosmtpd.handlers.Sink"],
    )  # fmt: skip
    time.sleep(1.5)
    mail = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
    }
    if args.profile:
        profile_in_process(settings, mail, args)
    else:
        connections.close_all()
        cpu_before = children_cpu()
        command = [
            sys.executable, "-m", "guichet", "worker", "--once", "--no-periodic", "-v", "0",
            "--processes", str(args.processes), "--batch", str(args.batch),
            "--smtp-sessions", str(args.smtp_sessions),
        ]  # fmt: skip
        started = time.perf_counter()
        worker = subprocess.Popen(command, env=os.environ | mail)
        first = None
        while worker.poll() is None:
            time.sleep(0.25)
            if first is None and Notification.objects.filter(status="sent").exists():
                first = time.perf_counter()
        elapsed = time.perf_counter() - started
        worker_cpu = children_cpu() - cpu_before
        sent = Notification.objects.filter(status="sent").count()
        steady = time.perf_counter() - first if first else elapsed
        result |= {
            "sent": sent,
            "delivery_seconds": round(elapsed, 2),
            "emails_per_second": round(sent / elapsed, 1),
            "emails_per_second_after_first_mark": round(sent / steady, 1),
            "worker_cpu_ms_per_email": round(worker_cpu / max(sent, 1) * 1000, 3),
        }
        print(
            f"delivery: {sent} sent in {elapsed:.1f} s ({sent / elapsed:.0f} e-mails/s; "
            f"{sent / steady:.0f}/s after the first mark); worker CPU "
            f"{worker_cpu / max(sent, 1) * 1000:.2f} ms per e-mail"
        )
    cpu_before = children_cpu()
    sink.terminate()
    sink.wait()
    if not args.profile:
        sink_cpu = (children_cpu() - cpu_before) / max(result["sent"], 1) * 1000
        result["smtp_sink_cpu_ms_per_email"] = round(sink_cpu, 3)
        print(f"SMTP sink CPU {sink_cpu:.2f} ms per e-mail")
    result["load_average_after"] = os.getloadavg()
    print(f"load average before / after: {result['load_average_before']} / {os.getloadavg()}")
    if not args.profile and not args.no_save:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d-%H%M")
        path = HERE / "results" / f"notifications-{stamp}-{connection.vendor}.json"
        path.write_text(json.dumps(result, indent=2) + "\n")
        print(f"saved {path.relative_to(HERE.parent)}")


def profile_in_process(settings, mail: dict, args) -> None:
    import pyinstrument

    from guichet.notifications.delivery import deliver_due

    settings.EMAIL_BACKEND = mail["EMAIL_BACKEND"]
    settings.EMAIL_HOST, settings.EMAIL_PORT = mail["EMAIL_HOST"], int(mail["EMAIL_PORT"])
    profiler = pyinstrument.Profiler(interval=0.001)
    started = time.perf_counter()
    sent = 0
    with profiler:
        while claimed := deliver_due(limit=args.batch, sessions=args.smtp_sessions):
            sent += claimed
    elapsed = time.perf_counter() - started
    print(f"profiled delivery: {sent} in {elapsed:.1f} s ({sent / elapsed:.0f}/s)")
    print(profiler.output_text(unicode=False, color=False))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
