"""The RGPD data export of a person with 1,000 requests: how long the task takes to build it.

    .venv/bin/python benchmarks/export.py [--requests 1000] [--database-url postgres://…/guichet_export_bench]
        [--no-save]

One run in a fresh data folder (SQLite) or a PostgreSQL database dropped and created again:
migrate, the shipped catalogue, one authority, one person; then, written in bulk (the set-up is
not what is measured), `--requests` requests of theirs, each with 3 messages (one an internal
note), 5 journal events and a notification, and one request in ten with a 50 kB attachment.
Then `people.rights.actions.request_export` and the task's body (`tasks.run_export`) are timed:
every section read, the JSON written, the attachments copied, the ZIP stored. Target (issue 14):
under 10 s for 1,000 requests. Results go to benchmarks/results/export-<date>-<database>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import time
import zipfile
from datetime import UTC, datetime, timedelta

from harness import django_on_fresh_database, save_result


def generate(count: int):
    """The person and their `count` requests, written in bulk; returns the person."""
    from django.core.files.base import ContentFile

    from guichet.authorities import actions as authorities
    from guichet.cases.models import Attachment, Message, Request
    from guichet.catalogue.actions import load_catalogue
    from guichet.catalogue.models import Service
    from guichet.core.journal import Actor, event_row
    from guichet.core.models import Event
    from guichet.notifications.models import Notification
    from guichet.people import actions as people

    system = Actor.system("benchmark")
    load_catalogue(actor=system)
    authority = authorities.create_authority(
        actor=system, kind="operator", name="Syndicat de voirie", slug="voirie",
        operator_sector="voirie",
    )  # fmt: skip
    services = list(Service.objects.order_by("pk")[:10])
    person = people.create_person(
        actor=system, first_name="Camille", last_name="Lefèvre", email="camille@exemple.fr",
        phone="06 11 22 33 44",
    )  # fmt: skip
    start = datetime(2024, 1, 1, tzinfo=UTC)
    requests = Request.objects.bulk_create(
        Request(
            reference=f"BENCH-{n:06d}",
            tracking_secret=secrets.token_hex(8),
            service=services[n % len(services)],
            authority=authority,
            person=person,
            channel="web",
            state="closed",
            public_status="closed",
            summary=f"Signalement n° {n}: un trou dans la chaussée",
            form_data={"nature": "nid_de_poule", "description": "Un trou profond. " * 20},
            address=f"{n} rue de la République",
            received_at=start + timedelta(hours=n),
            resolved_at=start + timedelta(hours=n, days=3),
            closed_at=start + timedelta(hours=n, days=4),
        )  # fmt: skip
        for n in range(count)
    )
    Message.objects.bulk_create(
        Message(request=r, author_type=author, body=body, is_internal=internal, channel="web")
        for r in requests
        for author, body, internal in (
            ("person", "Bonjour, le trou est toujours là, devant le numéro 12.", False),
            ("agent", "Merci, l'équipe passe jeudi matin.", False),
            ("agent", "Équipe B prévenue, matériel à prévoir.", True),
        )
    )
    kinds = ("request.received", "request.assigned", "request.message_sent",
             "request.person_replied", "request.status_changed")  # fmt: skip
    Event.objects.bulk_create(
        event_row(
            kind=kind,
            actor=system,
            authority_id=authority.pk,
            person_id=person.pk,
            case_id=r.pk,
            visible_to_person=kind != "request.assigned",
            payload={"from": "received", "to": "closed"},
            occurred_at=r.received_at + timedelta(minutes=i),
        )  # fmt: skip
        for r in requests
        for i, kind in enumerate(kinds)
    )
    Notification.objects.bulk_create(
        Notification(
            person=person,
            request=r,
            authority=authority,
            channel="email",
            message_kind="status",
            recipient="camille@exemple.fr",
            subject=f"Votre demande {r.reference}",
            text=f"Votre demande {r.reference} est close.",
            status="sent",
            next_attempt_at=r.received_at,
            sent_at=r.received_at,
            idempotency_key=f"bench:{r.pk}",
        )  # fmt: skip
        for r in requests
    )
    payload = os.urandom(50_000)
    for r in requests[::10]:
        attachment = Attachment(
            request=r, original_name="photo.jpg", content_type="image/jpeg", size=len(payload)
        )
        attachment.file.save("photo.jpg", ContentFile(payload), save=False)
        attachment.save()
    return person


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    vendor = django_on_fresh_database("export", args.database_url)
    from guichet.people.rights import actions
    from guichet.people.rights.models import DataExport
    from guichet.people.rights.tasks import run_export

    began = time.perf_counter()
    person = generate(args.requests)
    generated = time.perf_counter() - began
    print(f"generated {args.requests} requests in {generated:.1f} s", file=sys.stderr)

    began = time.perf_counter()
    export, _ = actions.request_export(person=person)
    outcome = run_export(export.pk)
    elapsed = time.perf_counter() - began
    export = DataExport.objects.get(pk=export.pk)
    with export.file.open("rb") as stored, zipfile.ZipFile(stored) as archive:
        members = archive.infolist()
        requests_json = archive.read("demandes.json")
    result = {
        "benchmark": "export",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": vendor,
        "requests": args.requests,
        "outcome": outcome,
        "seconds": round(elapsed, 2),
        "target_seconds": 10,
        "archive_bytes": export.size,
        "archive_members": len(members),
        "requests_json_bytes": len(requests_json),
        "load_average": os.getloadavg(),
        "python": sys.version.split()[0],
    }
    if args.no_save:
        print(json.dumps(result, indent=2))
    else:
        save_result("export", vendor, result)


if __name__ == "__main__":
    main()
