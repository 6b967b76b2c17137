"""Build the PostgreSQL database of the intake benchmark: the demo world plus N requests.

    .venv/bin/python benchmarks/intake_data.py [--requests 1000000] [--database guichet_bench]
                                               [--reuse]

A fresh database (dropped and recreated unless --reuse) gets the migrations and the demo world
(`guichet demo --no-serve --population 2000`), then N requests spread over two years are
bulk-loaded with COPY into `cases_request`, with about three journal events each in
`core_event` (received, status changes) so the tracking page reads a realistic timeline.
Where requests go is asked of the product itself (`cases.routing.route`) for every service
that accepts requests at each demo commune. A sample of (reference, tracking secret) pairs is
written for the load test (`tracking-sample.txt` in the work folder).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from harness import copy_text
from psycopg import sql
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = REPO / ".venv" / "bin"
SERVER_URL = "postgres://postgres@127.0.0.1:5432"
DEFAULT_DATABASE = "guichet_bench"
POPULATION = 2000
SAMPLE_SIZE = 20_000
HISTORY_DAYS = 730
BATCH = 5_000
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PARIS = ZoneInfo("Europe/Paris")

# Where an open request stands, and how a finished one ended.
OPEN_STATES = (("received", 20), ("qualified", 10), ("in_progress", 55), ("waiting_user", 15))
OUTCOMES = (("resolved", 85), ("rejected", 8), ("cancelled", 7))
# The workflow path that leads to each state (the default workflow's transitions).
PATHS = {
    "received": [],
    "qualified": ["qualified"],
    "in_progress": ["in_progress"],
    "waiting_user": ["in_progress", "waiting_user"],
    "resolved": ["in_progress", "resolved"],
    "rejected": ["rejected"],
    "cancelled": ["cancelled"],
}
CHANNEL_WEIGHTS = {"web": 70, "email": 15, "phone": 10, "counter": 5}
AGENT_CHANNELS = {"phone", "counter", "mail"}

REQUEST_COLUMNS = (
    "id", "reference", "tracking_secret", "channel", "state", "public_status", "summary",
    "form_data", "address", "latitude", "longitude", "received_at", "due_at", "paused_since",
    "pauses", "resolved_at", "closed_at", "updated_at", "authority_id", "commune_id",
    "filed_by_id", "person_id", "service_id", "team_id", "service_version_id", "is_test",
)  # fmt: skip
EVENT_COLUMNS = (
    "occurred_at", "kind", "actor_type", "actor_user_id", "resource", "channel", "authority_id",
    "person_id", "case_id", "subject_type", "visible_to_person", "payload",
)  # fmt: skip


@dataclass(frozen=True)
class Destination:
    """One (service, commune) pair the product routes, with what the rows need of it."""

    service_id: int
    service_version_id: int | None  # the published version a filing follows (issue 15)
    service_slug: str
    service_name: str
    channels: tuple[str, ...]
    sla_days: int | None
    authority_id: int
    team_id: int | None
    team_slug: str
    commune_id: int
    departement: str | None
    routed_by: str
    form_data: str  # JSON, filled once per service
    latitude: float | None
    longitude: float | None
    agent_id: int
    agent_name: str
    states: dict[str, tuple[str, bool]]  # state → (public status, visible to the person)


@dataclass
class LoadReport:
    database: str
    requests: int = 0
    events: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    sample_path: Path | None = None


def database_url(name: str) -> str:
    return f"{SERVER_URL}/{name}"


def guichet_env(database: str, data_dir: Path) -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": database_url(database),
        "GUICHET_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "guichet.config.settings",
    }


def recreate_database(name: str) -> None:
    with psycopg.connect(database_url("postgres"), autocommit=True) as connection:
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def database_exists(name: str) -> bool:
    with psycopg.connect(database_url("postgres"), autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return found.fetchone() is not None


def setup_django(database: str, data_dir: Path) -> None:
    """Point Django at the benchmark database (settings read the environment once)."""
    os.environ.update(guichet_env(database, data_dir))
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()


def destinations() -> dict[int, list[Destination]]:
    """Every routable (service, demo commune) pair, by commune id, asked of the product."""
    from django.contrib.auth import get_user_model

    from guichet.cases.routing import NotRoutable, route
    from guichet.cases.workflow import workflow_for
    from guichet.catalogue.models import Service
    from guichet.demo.world import DEMO_COMMUNES
    from guichet.territory.models import Commune

    users = {u.username: u.pk for u in get_user_model().objects.all()}
    communes = Commune.objects.filter(code__in=DEMO_COMMUNES, kind=Commune.Kind.CURRENT)
    services = Service.objects.filter(is_active=True).exclude(kind=Service.Kind.INFORMATIONAL)
    found: dict[int, list[Destination]] = {}
    for commune in communes.select_related("departement"):
        for service in services.select_related("workflow"):
            try:
                where = route(service=service, commune=commune)
            except NotRoutable:
                continue
            workflow = workflow_for(service)
            lat, lon = _centre(commune)
            agent = f"instructeur.{where.authority.slug}"
            found.setdefault(commune.pk, []).append(
                Destination(
                    service_id=service.pk, service_version_id=service.current_version_id, service_slug=service.slug, service_name=service.name,
                    channels=tuple(service.channels or CHANNEL_WEIGHTS), sla_days=service.sla_working_days,
                    authority_id=where.authority.pk, team_id=where.team.pk if where.team else None,
                    team_slug=where.team.slug if where.team else "", commune_id=commune.pk,
                    departement=commune.departement.code if commune.departement else None,
                    routed_by=where.competence.via if where.competence else "forced",
                    form_data=json.dumps(_answers(service.form_definition or [], lat, lon), ensure_ascii=False),
                    latitude=lat, longitude=lon, agent_id=users[agent], agent_name=agent,
                    states={s.name: (s.public_status, s.visible) for s in workflow.states},
                )
            )  # fmt: skip
    return found


def _centre(commune) -> tuple[float | None, float | None]:
    if not commune.bbox:
        return None, None
    minx, miny, maxx, maxy = commune.bbox
    return round((miny + maxy) / 2, 6), round((minx + maxx) / 2, 6)


def _answers(definition: list[dict], lat, lon) -> dict:
    """Plausible answers to the required, unconditional questions of a form definition."""
    by_type = {
        "short_text": "Demande de test de charge",
        "long_text": "Bonjour, je vous écris au sujet de ma demande. Merci de votre retour.",
        "address": "12 rue de la Mairie",
        "email": "usager@exemple.fr",
        "phone": "+33612345678",
        "number": 1,
        "date": "2025-06-01",
        "checkbox": True,
        "location": {"lat": lat, "lon": lon},
    }
    answers = {}
    for spec in definition:
        if not spec.get("required") or spec.get("show_if") or spec["type"] == "file":
            continue
        if spec["type"] in ("choice", "multiple_choice"):
            first = spec["choices"][0]["value"]
            answers[spec["name"]] = [first] if spec["type"] == "multiple_choice" else first
        elif spec["type"] in by_type:
            answers[spec["name"]] = by_type[spec["type"]]
    return answers


class Generator:
    """Rows of requests and their events, drawn from a seeded random source."""

    def __init__(self, seed: int, places: dict[int, list[Destination]], persons, now: datetime):
        self.rng = random.Random(seed)
        self.places = places
        self.commune_ids = sorted(places)
        self.persons = persons  # [(person id, commune id or None)]
        self.now = now
        self.references: set[str] = set()
        self.due_cache: dict[tuple, datetime | None] = {}

    def reference(self) -> str:
        while True:
            bits = self.rng.getrandbits(50)
            raw = "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(10))
            text = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
            if text not in self.references:
                self.references.add(text)
                return text

    def due(self, received: datetime, place: Destination) -> datetime | None:
        """The product's calendar rule, computed once per day, service promise and area."""
        from guichet.core import calendar

        if place.sla_days is None:
            return None
        day = received.astimezone(PARIS).date()
        key = (day, place.sla_days, place.departement)
        if key not in self.due_cache:
            noon = datetime(day.year, day.month, day.day, 12, tzinfo=PARIS)
            self.due_cache[key] = calendar.due_date(
                noon, place.sla_days, departement=place.departement
            )
        return self.due_cache[key]

    def request(self, pk: int) -> tuple[tuple, list[tuple]]:
        rng = self.rng
        person_id, home = rng.choice(self.persons)
        commune_id = home if home in self.places and rng.random() < 0.85 else None
        place = rng.choice(self.places[commune_id or rng.choice(self.commune_ids)])
        received = self.now - timedelta(seconds=rng.uniform(60, HISTORY_DAYS * 86400))
        channel = _pick(rng, {c: w for c, w in CHANNEL_WEIGHTS.items() if c in place.channels})
        channel = channel or place.channels[0]
        calendar_days = (place.sla_days or 15) * 1.4
        took = timedelta(days=rng.lognormvariate(0, 0.9) * calendar_days * 0.6)
        finished = received + took < self.now
        state = _pick(rng, dict(OUTCOMES) if finished else dict(OPEN_STATES))
        path = PATHS[state]
        step = took / (len(path) or 1) if finished else (self.now - received) / (len(path) + 1)
        moments = [received + step * (i + 1) for i in range(len(path))]
        resolved_at = closed_at = paused_since = None
        if finished and state == "resolved":
            resolved_at = moments[-1]
        if finished and moments[-1] + timedelta(days=7) < self.now:
            path, closed_at = [*path, "closed"], moments[-1] + timedelta(days=7)
            moments.append(closed_at)
        if state == "waiting_user":
            paused_since = moments[-1]
        final = path[-1] if path else "received"
        due = None if paused_since else self.due(received, place)
        agent_channel = channel in AGENT_CHANNELS
        row = (
            pk, self.reference(), secrets.token_urlsafe(24), channel, final,
            place.states[final][0], place.service_name, place.form_data, "", place.latitude,
            place.longitude, received, due, paused_since, "[]", resolved_at, closed_at,
            moments[-1] if moments else received, place.authority_id, place.commune_id,
            place.agent_id if agent_channel else None, person_id, place.service_id, place.team_id,
            place.service_version_id, False,
        )  # fmt: skip
        received_payload = {
            "reference": row[1], "service": place.service_slug, "team": place.team_slug,
            "routed_by": place.routed_by, "rule": None,
        }  # fmt: skip
        events = [
            (received, "request.received", "agent" if agent_channel else "person",
             place.agent_id if agent_channel else None,
             place.agent_name if agent_channel else f"usager:{person_id}", channel,
             place.authority_id, person_id, pk, "", True, json.dumps(received_payload)),
        ]  # fmt: skip
        source = "received"
        for target, moment in zip(path, moments, strict=True):
            payload = {"source": source, "target": target, "action": "", "note": ""}
            events.append(
                (moment, "request.status_changed", "agent", place.agent_id, place.agent_name, "",
                 place.authority_id, person_id, pk, "", place.states[target][1],
                 json.dumps(payload))
            )  # fmt: skip
            source = target
        return row, events


def _pick(rng: random.Random, weights: dict[str, int]) -> str | None:
    if not weights:
        return None
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _line(row: tuple) -> str:
    return "\t".join(map(copy_text, row)) + "\n"


def secondary_indexes(connection, table: str) -> list[tuple[str, str]]:
    """(name, definition) of the indexes of `table` that back no constraint."""
    return connection.execute(
        """SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x
           JOIN pg_class i ON i.oid = x.indexrelid
           WHERE x.indrelid = %s::regclass
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)""",
        [table],
    ).fetchall()


def bulk_load(database: str, count: int, seed: int, progress: Progress) -> tuple[int, int, list]:
    """COPY `count` requests and their events; return (requests, events, sample pairs)."""
    from guichet.people.models import Person

    places = destinations()
    persons = list(Person.objects.filter(merged_into__isnull=True).values_list("pk", "commune_id"))
    with psycopg.connect(database_url(database)) as connection:
        existing = connection.execute("SELECT reference FROM cases_request").fetchall()
        last = connection.execute("SELECT coalesce(max(id), 0) FROM cases_request").fetchone()
        first_id = last[0] + 1
        generator = Generator(seed + first_id, places, persons, datetime.now(UTC))
        generator.references.update(reference for (reference,) in existing)
        # Rows are valid by construction: skip the per-row foreign key triggers, and build
        # the secondary indexes once at the end rather than row by row.
        connection.execute("SET session_replication_role = replica")
        dropped = secondary_indexes(connection, "cases_request")
        dropped += secondary_indexes(connection, "core_event")
        for name, _ in dropped:
            connection.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
        task = progress.add_task("Demandes et journal (COPY)", total=count)
        sample_every = max(count // SAMPLE_SIZE, 1)
        sample, events_total = [], 0
        requests_copy = sql.SQL("COPY cases_request ({}) FROM STDIN").format(
            sql.SQL(", ").join(map(sql.Identifier, REQUEST_COLUMNS))
        )
        events_copy = sql.SQL("COPY core_event ({}) FROM STDIN").format(
            sql.SQL(", ").join(map(sql.Identifier, EVENT_COLUMNS))
        )
        for start in range(0, count, BATCH * 20):
            size = min(BATCH * 20, count - start)
            event_lines = []
            with connection.cursor().copy(requests_copy) as copy:
                for offset in range(0, size, BATCH):
                    lines = []
                    for index in range(start + offset, start + min(offset + BATCH, size)):
                        row, events = generator.request(first_id + index)
                        lines.append(_line(row))
                        event_lines.extend(map(_line, events))
                        if index % sample_every == 0:
                            sample.append((row[1], row[2]))
                    copy.write("".join(lines))
                    progress.update(task, advance=len(lines))
            with connection.cursor().copy(events_copy) as copy:
                for offset in range(0, len(event_lines), BATCH * 3):
                    copy.write("".join(event_lines[offset : offset + BATCH * 3]))
            events_total += len(event_lines)
        index_task = progress.add_task("Index secondaires", total=len(dropped))
        connection.execute("SET maintenance_work_mem = '256MB'")
        for _, definition in dropped:
            connection.execute(definition)
            progress.update(index_task, advance=1)
        connection.execute(
            "SELECT setval(pg_get_serial_sequence('cases_request', 'id'), max(id)) "
            "FROM cases_request"
        )
    return count, events_total, sample


def write_sample(path: Path, pairs: list[tuple[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{reference} {secret}\n" for reference, secret in pairs))


# Django's own bookkeeping, which migrations write between runs: never rolled back.
SCHEMA_TABLES = ("django_migrations", "django_content_type", "auth_permission")


def table_marks(database: str) -> dict[str, int]:
    """max(id) of every data table with an integer `id` column: the state to come back to."""
    with psycopg.connect(database_url(database)) as connection:
        tables = [name for (name,) in connection.execute(
            """SELECT table_name FROM information_schema.columns WHERE table_schema = 'public'
               AND column_name = 'id' AND data_type IN ('integer', 'bigint')
               AND NOT table_name = ANY(%s)""", [list(SCHEMA_TABLES)])]  # fmt: skip
        return {
            table: connection.execute(
                sql.SQL("SELECT coalesce(max(id), 0) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in tables
        }


def back_to_marks(database: str, marks: dict[str, int]) -> dict[str, int]:
    """Delete every row added since `marks` (what earlier runs filed); {table: rows deleted}."""
    deleted = {}
    with psycopg.connect(database_url(database), autocommit=True) as connection:
        connection.execute("SET session_replication_role = replica")  # no FK checks: superuser
        for table, mark in table_marks(database).items():
            if mark > marks.get(table, 0):
                cursor = connection.execute(
                    sql.SQL("DELETE FROM {} WHERE id > %s").format(sql.Identifier(table)),
                    [marks.get(table, 0)],
                )
                deleted[table] = cursor.rowcount
        # The outbox wake-up flags and sessions the runs left in Redis expire by themselves.
    return deleted


def loaded_marks(database: str, workdir: Path) -> dict[str, int]:
    """The marks of the database as loaded (written by `build`); the current ones, saved as
    such, for a database loaded before this file existed."""
    path = workdir / "loaded-marks.json"
    if not path.exists():
        path.write_text(json.dumps(table_marks(database)))
    return json.loads(path.read_text())


def build(
    *, database: str, requests: int, reuse: bool, workdir: Path, seed: int = 2026, console=None
) -> LoadReport:
    """Create (or complete, with `reuse`) the benchmark database; return what was done."""
    console = console or Console()
    report = LoadReport(database=database, sample_path=workdir / "tracking-sample.txt")
    data_dir = workdir / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = guichet_env(database, data_dir)
    started = time.perf_counter()
    if not reuse or not database_exists(database):
        console.print(f"Base [bold]{database}[/] recréée")
        recreate_database(database)
        (workdir / "loaded-marks.json").unlink(missing_ok=True)
    elif (workdir / "loaded-marks.json").exists():
        deleted = back_to_marks(database, loaded_marks(database, workdir))
        if deleted:
            console.print(f"Lignes des passages précédents supprimées : {deleted}")
    subprocess.run([VENV_BIN / "guichet", "migrate", "-v0"], env=env, check=True)
    subprocess.run(
        [VENV_BIN / "guichet", "demo", "--no-serve", "--population", str(POPULATION), "--requests", "0"],
        env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    report.seconds["migrate + demo world"] = time.perf_counter() - started
    setup_django(database, data_dir)
    with psycopg.connect(database_url(database)) as connection:
        present = connection.execute("SELECT count(*) FROM cases_request").fetchone()[0]
    missing = max(requests - present, 0)
    columns = (TextColumn("{task.description:<32}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    started = time.perf_counter()
    with Progress(*columns, console=console) as progress:
        if missing:
            _, report.events, sample = bulk_load(database, missing, seed, progress)
            write_sample(report.sample_path, sample)
            (workdir / "loaded-marks.json").unlink(missing_ok=True)  # a new loaded state
    report.requests = present + missing
    report.seconds["COPY + index"] = time.perf_counter() - started
    started = time.perf_counter()
    with psycopg.connect(database_url(database), autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
        if not report.sample_path.exists():
            pairs = connection.execute(
                "SELECT reference, tracking_secret FROM cases_request ORDER BY random() LIMIT %s",
                [SAMPLE_SIZE],
            ).fetchall()
            write_sample(report.sample_path, pairs)
    report.seconds["VACUUM ANALYZE"] = time.perf_counter() - started
    loaded_marks(database, workdir)  # the state every run starts from and comes back to
    console.print(
        f"{report.requests:,} demandes dans {database} ({missing:,} chargées, "
        f"{report.events:,} événements) — "
        + ", ".join(f"{step} : {seconds:.1f} s" for step, seconds in report.seconds.items())
    )
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--reuse", action="store_true", help="keep the database, load what lacks")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if not args.database.startswith("guichet_bench"):
        sys.exit("the database name must start with guichet_bench (it is dropped)")
    workdir = args.workdir or Path(tempfile.gettempdir()) / args.database
    build(
        database=args.database, requests=args.requests, reuse=args.reuse, workdir=workdir,
        seed=args.seed,
    )  # fmt: skip


if __name__ == "__main__":
    main()
