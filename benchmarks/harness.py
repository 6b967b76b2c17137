"""What the in-process benchmarks share: a fresh database, Django set up and migrated on it, and
the results written beside the others (export.py, designer.py, retention.py).

    from harness import django_on_fresh_database, save_result
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def fresh_postgres(url: str, suffix: str) -> None:
    """Drop and create the database named in `url`, which must end with `suffix` (a benchmark
    never drops a database it did not make)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    if not name.endswith(suffix):
        raise SystemExit(f"refusing to drop a database whose name does not end with {suffix}")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def django_on_fresh_database(name: str, database_url: str = "") -> str:
    """Set Django up (DEBUG off) on a new data folder and, with `database_url`, a PostgreSQL
    database dropped and created again (its name ending in `_<name>_bench`), else SQLite in
    the data folder; migrate it. Returns the database's vendor."""
    workdir = Path(tempfile.mkdtemp(prefix=f"guichet-bench-{name}-"))
    os.environ.update(
        GUICHET_DATA_DIR=str(workdir), DJANGO_SETTINGS_MODULE="guichet.config.settings", DEBUG="0"
    )
    os.environ.pop("DATABASE_URL", None)
    if database_url:
        fresh_postgres(database_url, f"_{name}_bench")
        os.environ["DATABASE_URL"] = database_url
    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connection

    call_command("migrate", verbosity=0)
    return connection.vendor


def save_result(name: str, vendor: str, result: dict) -> None:
    """Print `result` and keep it as results/<name>-<UTC time>-<vendor>.json."""
    print(json.dumps(result, indent=2))
    stamp = datetime.now(UTC).strftime("%Y-%m-%d-%H%M")
    path = RESULTS / f"{name}-{stamp}-{vendor}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"saved {path}", file=sys.stderr)


def copy_text(value) -> str:
    """A value in PostgreSQL COPY's text format. No generated text holds a tab, a newline or a
    backslash: nothing to escape."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
