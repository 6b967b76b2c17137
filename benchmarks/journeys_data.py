"""Synthetic Guichet journeys for the journeys benchmark, written as a standard event log.

    .venv/bin/python benchmarks/journeys_data.py [--events 1000000] [--output FILE] [--seed 5]

Every case is a request: filed through a channel (web, e-mail, phone, counter) at an authority
and team, moved along the default workflow (received, qualified, in_progress, waiting_user,
resolved, rejected, cancelled, closed). The journeys include questions to the user answered
or not, rework, reopenings, hand-offs between authorities (some back and forth), team
reassignments, internal notes the user does not see, satisfaction answers after closure, and
inbound contacts (calls, visits, e-mails asking where the request stands) whose number grows
with the time the request takes: slow services draw more contacts. Waits between steps are
exponential, scaled by the service's slowness. Requests are filed over two years before
DATA_END; steps after DATA_END are cut, which leaves the recent requests open.

The output is a Parquet file with the standard columns (`case:concept:name`, `concept:name`,
`time:timestamp`, `org:resource`, `channel`), the `guichet:*` event columns Guichet's export
writes, and the case attributes (`case:service`, `case:category`, `case:channel`,
`case:commune`, `case:authority`, `case:team`, `case:due_at`), one row per event in time
order: `guichet.journeys.engine.read_log` and pm4py both read it.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

DATA_END = datetime(2026, 11, 1, tzinfo=UTC)
HISTORY_DAYS = 730
DAY_US = 86_400_000_000
EVENTS_PER_CASE = 6.8  # measured mean of the journeys below, to size the number of cases

CHANNELS = ["web", "email", "phone", "counter"]
CHANNEL_WEIGHTS = [0.62, 0.18, 0.13, 0.07]
CONTACT_CHANNELS = ["phone", "counter", "email", "web"]
CONTACT_WEIGHTS = [0.55, 0.15, 0.25, 0.05]
CATEGORIES = ["resident", "tourist", "business", "association", "non_resident_worker"]
CATEGORY_WEIGHTS = [0.78, 0.04, 0.10, 0.03, 0.05]
# service: (slowness factor on every wait, promised days)
SERVICES = {
    "etat-civil": (0.4, 10),
    "question-generale": (0.6, 15),
    "encombrants": (1.0, 15),
    "voirie": (1.8, 30),
    "eclairage-public": (1.3, 20),
    "proprete": (0.8, 10),
    "urbanisme": (2.6, 60),
    "stationnement": (0.9, 15),
    "ecoles": (1.1, 20),
    "social": (2.0, 30),
    "espaces-verts": (1.4, 30),
    "bruit": (1.7, 30),
}
N_AUTHORITIES = 40
TEAMS_PER_AUTHORITY = 4
N_COMMUNES = 120
STATES = [
    "received", "qualified", "in_progress", "waiting_user", "resolved", "rejected", "cancelled",
    "closed",
]  # fmt: skip
KINDS = [
    "request.received",
    "request.status_changed",
    "request.person_replied",
    "request.contact_recorded",
    "request.handed_off",
    "request.assigned",
    "request.note_added",
    "satisfaction.answered",
]
RCV, STA, REP, CON, HAND, ASG, NOTE, SAT = range(len(KINDS))
HAND_BACK = -2  # a hand-off back to the authority that held the case before

# A journey template: (weight, steps); a step is (kind, state entered or None, mean wait in
# days before it). Satisfaction answers and contacts are added afterwards.
TEMPLATES: list[tuple[float, list[tuple[int, str | None, float]]]] = [
    (34, [(RCV, "received", 0), (STA, "in_progress", 2), (STA, "resolved", 5), (STA, "closed", 3)]),
    (
        12,
        [
            (RCV, "received", 0),
            (STA, "qualified", 1),
            (ASG, None, 1),
            (STA, "in_progress", 2),
            (NOTE, None, 3),
            (STA, "resolved", 6),
            (STA, "closed", 3),
        ],
    ),
    (
        10,
        [
            (RCV, "received", 0),
            (STA, "in_progress", 2),
            (STA, "waiting_user", 3),
            (REP, "in_progress", 4),
            (STA, "resolved", 5),
            (STA, "closed", 3),
        ],
    ),
    (
        4,
        [
            (RCV, "received", 0),
            (STA, "in_progress", 2),
            (STA, "waiting_user", 3),
            (STA, "cancelled", 35),
        ],
    ),
    (
        5,
        [
            (RCV, "received", 0),
            (STA, "in_progress", 2),
            (STA, "waiting_user", 3),
            (REP, "in_progress", 6),
            (STA, "waiting_user", 4),
            (REP, "in_progress", 5),
            (STA, "resolved", 6),
            (STA, "closed", 3),
        ],
    ),
    (
        6,
        [
            (RCV, "received", 0),
            (STA, "qualified", 1),
            (STA, "in_progress", 2),
            (STA, "qualified", 4),
            (NOTE, None, 2),
            (STA, "in_progress", 3),
            (STA, "resolved", 6),
        ],
    ),
    (
        4,
        [
            (RCV, "received", 0),
            (STA, "in_progress", 2),
            (STA, "resolved", 5),
            (STA, "in_progress", 8),
            (STA, "resolved", 6),
            (STA, "closed", 3),
        ],
    ),
    (
        8,
        [
            (RCV, "received", 0),
            (HAND, None, 2),
            (STA, "in_progress", 3),
            (NOTE, None, 2),
            (STA, "resolved", 7),
            (STA, "closed", 3),
        ],
    ),
    (
        3,
        [
            (RCV, "received", 0),
            (HAND, None, 2),
            (NOTE, None, 3),
            (HAND, HAND_BACK, 4),  # type: ignore[list-item]
            (STA, "in_progress", 3),
            (STA, "resolved", 7),
        ],
    ),
    (
        4,
        [
            (RCV, "received", 0),
            (ASG, None, 1),
            (STA, "in_progress", 2),
            (ASG, None, 3),
            (ASG, HAND_BACK, 3),
            (STA, "resolved", 6),
            (STA, "closed", 3),
        ],
    ),  # type: ignore[list-item]
    (5, [(RCV, "received", 0), (STA, "rejected", 3), (STA, "closed", 2)]),
    (
        3,
        [
            (RCV, "received", 0),
            (STA, "in_progress", 2),
            (NOTE, None, 4),
            (NOTE, None, 6),
            (STA, "in_progress", 5),
            (STA, "resolved", 9),
        ],
    ),
    (2, [(RCV, "received", 0), (STA, "cancelled", 4)]),
]
SATISFACTION_SHARE = 0.3
CONTACTS_PER_DAY = 1 / 20  # inbound contacts per day of lead time, before the slowness factor


def _pick(rng: np.random.Generator, n: int, weights: list[float]) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def generate(events: int, *, seed: int = 5) -> pl.DataFrame:
    """About `events` events (give or take 2 %), as a standard event-log frame."""
    rng = np.random.default_rng(seed)
    n_cases = max(1, round(events / EVENTS_PER_CASE))
    end_us = int(DATA_END.timestamp() * 1_000_000)
    service = _pick(rng, n_cases, [1] * len(SERVICES))
    slowness = np.array([s for s, _ in SERVICES.values()])[service]
    promised = np.array([d for _, d in SERVICES.values()])[service]
    authority = rng.integers(0, N_AUTHORITIES, n_cases)
    commune = rng.integers(0, N_COMMUNES, n_cases)
    start = end_us - rng.integers(0, HISTORY_DAYS * DAY_US, n_cases)
    channel = _pick(rng, n_cases, CHANNEL_WEIGHTS)
    template = _pick(rng, n_cases, [w for w, _ in TEMPLATES])

    parts: list[dict[str, np.ndarray]] = []
    last_ts = start.copy()
    ended = np.zeros(n_cases, dtype=bool)
    for index, (_, steps) in enumerate(TEMPLATES):
        cases = np.flatnonzero(template == index)
        if not cases.size:
            continue
        means = np.array([m for _, _, m in steps])
        waits = rng.exponential(1.0, (cases.size, len(steps))) * means * slowness[cases, None]
        ts = start[cases, None] + np.cumsum(waits * DAY_US, axis=1).astype(np.int64)
        owner = authority[cases, None].repeat(len(steps), axis=1)
        team = rng.integers(0, TEAMS_PER_AUTHORITY, (cases.size, len(steps)))
        previous_owner = authority[cases].copy()
        previous_team = team[:, 0].copy()
        current_team = team[:, 0].copy()
        for column, (kind, state, _) in enumerate(steps):
            if kind == HAND:
                if state == HAND_BACK:
                    owner[:, column:] = previous_owner[:, None]
                else:
                    previous_owner = owner[:, column].copy()
                    moved = (
                        previous_owner + 1 + rng.integers(0, N_AUTHORITIES - 1, cases.size)
                    ) % (N_AUTHORITIES)
                    owner[:, column:] = moved[:, None]
            elif kind == ASG:
                if state == HAND_BACK:
                    team[:, column] = previous_team
                else:
                    previous_team = current_team.copy()
                    team[:, column] = (current_team + 1) % TEAMS_PER_AUTHORITY
                current_team = team[:, column].copy()
        kept = ts <= end_us
        terminal = np.array(
            [s in ("resolved", "rejected", "cancelled", "closed") for _, s, _ in steps]
        )
        ended[cases] = (kept & terminal).any(axis=1) & kept[:, -1]
        last_ts[cases] = np.where(kept, ts, 0).max(axis=1)
        kinds = np.array([k for k, _, _ in steps])
        state_codes = np.array([STATES.index(s) if isinstance(s, str) else -1 for _, s, _ in steps])
        rows, columns = np.nonzero(kept)
        k = kinds[columns]
        parts.append(
            {
                "case": cases[rows],
                "ts": ts[rows, columns],
                "kind": k,
                "state": state_codes[columns],
                "authority": np.where((k == RCV) | (k == HAND), owner[rows, columns], -1),
                "team": np.where((k == RCV) | (k == ASG), team[rows, columns], -1),
                "channel": np.where((k == RCV) | (k == REP), channel[cases[rows]], -1),
            }
        )

    # Contacts: more for slow requests (their number grows with the lead time so far).
    span_days = (last_ts - start) / DAY_US + np.where(ended, 0, 5)
    counts = rng.poisson(span_days * CONTACTS_PER_DAY * np.sqrt(slowness)).clip(0, 12)
    case = np.repeat(np.arange(n_cases), counts)
    ts = start[case] + (rng.random(case.size) * (last_ts[case] - start[case] + 1)).astype(np.int64)
    parts.append(
        {
            "case": case,
            "ts": np.minimum(ts, end_us),
            "kind": np.full(case.size, CON),
            "state": np.full(case.size, -1),
            "authority": np.full(case.size, -1),
            "team": np.full(case.size, -1),
            "channel": _pick(rng, case.size, CONTACT_WEIGHTS) + len(CHANNELS),
        }
    )
    # Satisfaction answers a few days after the end, for a share of the ended requests.
    case = np.flatnonzero(ended & (rng.random(n_cases) < SATISFACTION_SHARE))
    ts = last_ts[case] + rng.exponential(2.0, case.size) * DAY_US
    case, ts = case[ts <= end_us], ts[ts <= end_us].astype(np.int64)
    parts.append(
        {
            "case": case,
            "ts": ts,
            "kind": np.full(case.size, SAT),
            "state": np.full(case.size, -1),
            "authority": np.full(case.size, -1),
            "team": np.full(case.size, -1),
            "channel": np.full(case.size, 0),
        }
    )
    columns = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    order = np.argsort(columns["ts"], kind="stable")  # the journal is in time order
    columns = {name: values[order] for name, values in columns.items()}
    return _frame(columns, rng, service=service, commune=commune, start=start, promised=promised,
                  channel=channel, authority=authority, n_cases=n_cases)  # fmt: skip


def _labels(codes: np.ndarray, labels: list[str]) -> pl.Series:
    """Codes (-1 = null) → strings, through a small Enum (cheap on 10 M rows)."""
    series = pl.Series(codes).cast(pl.Int64)
    return pl.select(
        pl.when(series >= 0).then(pl.lit(pl.Series(labels)).gather(series.clip(0)))
    ).to_series()


def _frame(columns, rng, *, service, commune, start, promised, channel, authority, n_cases):
    case = columns["case"]
    n = case.size
    kind = columns["kind"]
    state = columns["state"]
    category = _pick(rng, n_cases, CATEGORY_WEIGHTS)
    services = list(SERVICES)
    authorities = [f"autorite-{i:02d}" for i in range(N_AUTHORITIES)]
    kind_s = _labels(kind, KINDS)
    state_s = _labels(state, STATES)
    activity = pl.select(
        pl.when(kind_s == "request.status_changed").then(kind_s + ":" + state_s).otherwise(kind_s)
    ).to_series()
    # The state a status change or a reply leaves: the previous state of the case.
    frame = pl.DataFrame(
        {
            "_case": case,
            "case:concept:name": pl.Series(case + 100_000).cast(pl.String),
            "concept:name": activity,
            "time:timestamp": pl.Series(columns["ts"]).cast(pl.Datetime("us", "UTC")),
            "org:resource": _labels(
                rng.integers(0, 400, n), [f"agent-{i:03d}" for i in range(400)]
            ),
            "channel": _labels(columns["channel"], CHANNELS + [f"{c}" for c in CONTACT_CHANNELS]),
            "guichet:kind": kind_s,
            "guichet:state": state_s,
            "guichet:visible": pl.Series((kind != CON) & (kind != NOTE) & (kind != ASG)),
            "guichet:person": pl.Series(case % (n_cases // 2 + 1) + 1).cast(pl.String),
            "guichet:authority": _labels(columns["authority"], authorities),
            "guichet:team": _labels(
                columns["team"], [f"equipe-{i}" for i in range(TEAMS_PER_AUTHORITY)]
            ),
            "guichet:satisfaction_score": pl.Series(
                np.where(kind == SAT, rng.choice(5, n, p=[0.08, 0.07, 0.15, 0.35, 0.35]) + 1, 0)
            ).replace(0, None),
        }
    )
    frame = frame.with_columns(
        pl.when(pl.col("guichet:kind") == "satisfaction.answered")
        .then(pl.col("guichet:satisfaction_score") >= 3)
        .alias("guichet:satisfaction_resolved"),
        pl.col("guichet:state").forward_fill().shift(1).over("_case").alias("_previous"),
    ).with_columns(
        pl.when(
            pl.col("guichet:state").is_not_null() & (pl.col("guichet:kind") != "request.received")
        )
        .then(pl.col("_previous"))
        .alias("guichet:source_state"),
    )
    cases = pl.DataFrame(
        {
            "_case": np.arange(n_cases),
            "case:service": pl.Series(services).gather(service),
            "case:category": pl.Series(CATEGORIES).gather(category),
            "case:channel": pl.Series(CHANNELS).gather(channel),
            "case:commune": pl.Series(commune + 92_001).cast(pl.String),
            "case:authority": pl.Series(authorities).gather(authority),
            "case:due_at": pl.Series(start + promised * DAY_US).cast(pl.Datetime("us", "UTC")),
        }
    )
    return frame.join(cases, on="_case", how="left", maintain_order="left").drop(
        "_case", "_previous"
    )


def write(events: int, path: Path, *, seed: int = 5) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = generate(events, seed=seed)
    temporary = path.with_suffix(".tmp")
    frame.write_parquet(temporary, statistics=False)
    temporary.rename(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    output = args.output or Path(__file__).parent / "data" / f"journeys-{args.events}.parquet"
    began = time.perf_counter()
    write(args.events, output, seed=args.seed)
    rows = pl.scan_parquet(output).select(pl.len()).collect().item()
    print(f"{output}: {rows:,} events in {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
