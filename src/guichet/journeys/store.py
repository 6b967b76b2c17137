"""The analytics copy of the journal: Parquet files under GUICHET_DATA_DIR/analytics/.

Analytics never query the live tables on a page view: `refresh()` (the `guichet journeys
refresh` command, or a periodic task) appends the events whose id is above the last exported
one as a new Parquet part, and rewrites the small snapshot of request attributes. Readers
scan the parts with Polars.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.conf import settings

from guichet.cases.models import Request
from guichet.core.models import Event
from guichet.journeys.engine.log import (
    HANDED_OFF,
    PERSON_REPLIED,
    RECEIVED,
    STATUS_CHANGED,
    TIMESTAMP,
    EventLog,
    make_log,
)

BATCH = 200_000
RAW_SCHEMA = {
    "id": pl.Int64(),
    "occurred_at": TIMESTAMP,
    "kind": pl.String(),
    "resource": pl.String(),
    "channel": pl.String(),
    "authority_id": pl.Int64(),
    "person_id": pl.Int64(),
    "case_id": pl.Int64(),
    "visible_to_person": pl.Boolean(),
    "source": pl.String(),
    "target": pl.String(),
    "to_authority_id": pl.Int64(),
    "team": pl.String(),
    "resolved": pl.Boolean(),
    "score": pl.Int64(),
}
_FIELDS = list(RAW_SCHEMA)[:9]
_PAYLOAD = {
    "source": str,
    "target": str,
    "to_authority_id": int,
    "team": str,
    "resolved": bool,
    "score": int,
}


def analytics_dir() -> Path:
    return Path(settings.DATA_DIR) / "analytics"


@dataclass(frozen=True)
class RefreshReport:
    exported: int
    last_id: int
    rebuilt: bool
    cases: int


def _state_path() -> Path:
    return analytics_dir() / "state.json"


def _last_id() -> int:
    try:
        return int(json.loads(_state_path().read_text())["last_id"])
    except (FileNotFoundError, KeyError, ValueError):
        return 0


def _payload_value(payload: dict, key: str, kind: type):
    value = payload.get(key)
    if value is None or value == "":
        return None
    try:
        return kind(value)
    except (TypeError, ValueError):
        return None


def refresh(*, batch_size: int = BATCH) -> RefreshReport:
    """Append the journal's new events to the Parquet copy; rewrite the request snapshot.

    When the journal restarted below the last exported id (a rebuilt database), the copy is
    rebuilt from scratch rather than mixing two histories.
    """
    events_dir = analytics_dir() / "events"
    events_dir.mkdir(parents=True, exist_ok=True)
    last_id, rebuilt = _last_id(), False
    newest = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    if newest < last_id:
        for part in events_dir.glob("*.parquet"):
            part.unlink()
        last_id, rebuilt = 0, True
    exported = 0
    rows: list[tuple] = []
    # A designer's test requests (ADR 0027) stay out of the analytics: their events are never
    # exported (a request is a test one from its filing on).
    tests = Request.objects.filter(is_test=True).values("id")
    query = (
        Event.objects.filter(id__gt=last_id)
        .exclude(case_id__in=tests)
        .order_by("id")
        .values_list(*_FIELDS, "payload")
    )
    for *fields, payload in query.iterator(chunk_size=10_000):
        payload = payload if isinstance(payload, dict) else {}
        rows.append((*fields, *(_payload_value(payload, k, t) for k, t in _PAYLOAD.items())))
        if len(rows) >= batch_size:
            last_id = _write_part(events_dir, rows)
            exported += len(rows)
            rows = []
    if rows:
        last_id = _write_part(events_dir, rows)
        exported += len(rows)
    cases = _write_cases()
    _state_path().write_text(json.dumps({"last_id": last_id}))
    return RefreshReport(exported=exported, last_id=last_id, rebuilt=rebuilt, cases=cases)


def _write_part(folder: Path, rows: list[tuple]) -> int:
    frame = pl.DataFrame(rows, schema=RAW_SCHEMA, orient="row")
    first, last = frame["id"][0], frame["id"][-1]
    temporary = folder / f".part-{first:012d}-{last:012d}.tmp"
    frame.write_parquet(temporary)
    # Renamed once complete, so a reader never sees half a part.
    temporary.rename(folder / f"part-{first:012d}-{last:012d}.parquet")
    return int(last)


def _write_cases() -> int:
    rows = Request.objects.filter(is_test=False).values_list(
        "id", "person__category", "channel", "service__slug", "team__slug", "authority__slug",
        "commune__code", "received_at", "due_at",
    )  # fmt: skip
    frame = pl.DataFrame(
        list(rows.iterator(chunk_size=10_000)),
        schema={
            "case_id": pl.Int64(),
            "category": pl.String(),
            "channel": pl.String(),
            "service": pl.String(),
            "team": pl.String(),
            "authority": pl.String(),
            "commune": pl.String(),
            "received_at": TIMESTAMP,
            "due_at": TIMESTAMP,
        },  # fmt: skip
        orient="row",
    ).with_columns(pl.col("case_id").cast(pl.String))
    temporary = analytics_dir() / ".cases.tmp"
    frame.write_parquet(temporary)
    temporary.rename(analytics_dir() / "cases.parquet")
    return frame.height


def journal_log(*, refresh_first: bool = True) -> EventLog:
    """Guichet's journal as an EventLog, read from the Parquet copy (refreshed first)."""
    if refresh_first:
        refresh()
    parts = sorted((analytics_dir() / "events").glob("part-*.parquet"))
    raw = pl.read_parquet(parts) if parts else pl.DataFrame(schema=RAW_SCHEMA)
    cases_path = analytics_dir() / "cases.parquet"
    cases = pl.read_parquet(cases_path) if cases_path.exists() else None
    return make_log(journal_events(raw), cases, origin="journal")


def journal_events(raw: pl.DataFrame) -> pl.DataFrame:
    """Journal rows (RAW_SCHEMA) → the engine's events frame (see docs/journeys.md)."""
    kind, target = pl.col("kind"), pl.col("target")
    moves = (kind == STATUS_CHANGED) | ((kind == PERSON_REPLIED) & (target != pl.col("source")))
    return raw.filter(pl.col("case_id").is_not_null()).select(
        pl.col("id").alias("event_id"),
        pl.col("case_id").cast(pl.String),
        pl.when(kind == STATUS_CHANGED).then(kind + ":" + target).otherwise(kind).alias("activity"),
        pl.col("occurred_at").alias("timestamp"),
        "resource",
        pl.when(pl.col("channel") != "").then(pl.col("channel")).alias("channel"),
        "kind",
        pl.when(kind == RECEIVED).then(pl.lit("received")).when(moves).then(target).alias("state"),
        pl.when(moves).then(pl.col("source")).alias("source_state"),
        pl.col("visible_to_person").alias("visible"),
        pl.col("person_id").cast(pl.String),
        pl.when(kind == RECEIVED)
        .then(pl.col("authority_id"))
        .when(kind == HANDED_OFF)
        .then(pl.col("to_authority_id"))
        .cast(pl.String)
        .alias("authority"),
        pl.when(kind.is_in([RECEIVED, "request.assigned"]) & (pl.col("team") != ""))
        .then(pl.col("team"))
        .alias("team"),
        pl.col("resolved").alias("satisfaction_resolved"),
        pl.col("score").alias("satisfaction_score"),
    )
