"""Broadcast enqueue time and e-mail delivery throughput, default backend (SQLite), local SMTP.

    .venv/bin/python benchmarks/notifications.py [--persons 100000] [--deliver 10000]

One run in a fresh data folder: migrate, the shipped territory, one town hall, `--persons`
opted-in persons with an e-mail; then `notifications.actions.broadcast` (timed: the enqueue),
then the delivery loop of `guichet worker` in this process against an aiosmtpd sink (its
own process) that accepts everything, for the first `--deliver` messages (timed: the throughput).
Targets (issue 3): 100,000 queued in under 30 s; at least 500 e-mails/s.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--deliver", type=int, default=10_000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="guichet-bench-notif-"))
    os.environ.update(
        GUICHET_DATA_DIR=str(workdir), DJANGO_SETTINGS_MODULE="guichet.config.settings"
    )
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from guichet.authorities import actions as authorities
    from guichet.core.journal import Actor
    from guichet.notifications import actions
    from guichet.notifications.delivery import deliver_due
    from guichet.notifications.models import Notification
    from guichet.people.models import Consent, Identity, Person
    from guichet.territory.selectors import commune_by_code

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
    print(f"enqueue: {queued} notifications in {enqueue:.1f} s ({queued / enqueue:.0f}/s)")

    # The SMTP server runs in its own process, as a real relay would: in this one it would
    # share the interpreter lock with the worker and halve the figure.
    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
         "-c", "aiosmtpd.handlers.Sink"],
    )  # fmt: skip
    time.sleep(1.5)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    started = time.perf_counter()
    delivered = 0
    while delivered < args.deliver:
        claimed = deliver_due(limit=200)
        if not claimed:
            break
        delivered += claimed
    elapsed = time.perf_counter() - started
    sink.terminate()
    sink.wait()
    sent = Notification.objects.filter(status="sent").count()
    print(f"delivery: {sent} sent in {elapsed:.1f} s ({sent / elapsed:.0f} e-mails/s)")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
