"""Journey analytics against pm4py: loading, process map, variants, durations, irritants.

    .venv/bin/python benchmarks/journeys.py [--events 1000000,10000000] [--skip-pm4py]
                                            [--pm4py-max-events 1000000] [--repeat 3]

Logs: the real municipal log (../shared/data/eventlogs/receipt.csv, when present) and
synthetic Guichet journeys of each size in --events (benchmarks/journeys_data.py, written once
to benchmarks/data/journeys-<N>.parquet). Each engine runs on each log in its own subprocess,
so its peak resident memory (getrusage maxrss) is its own:

* ours (guichet.journeys.engine, Polars): `read_log`, `process_map`, `variants`,
  `case_durations`, `case_figures` + `summary` (every irritant and its rate);
* pm4py: `pandas.read_parquet`/`read_csv` + `pm4py.format_dataframe`, `discover_dfg` +
  `discover_performance_dfg`, `get_variants`, `get_all_case_durations`, and the irritants
  written with pandas on pm4py's dataframe, following docs/journeys.md (`_pandas_irritants`);
  their rates are compared with ours in the results.

Analysis steps are timed best of --repeat (loading once). pm4py runs only on logs of at most
--pm4py-max-events events (a 10 M-event pandas frame of strings does not fit comfortably).
Results: a table, and benchmarks/results/journeys-<date>-<time>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from guichet.journeys import POLARS_ALLOCATOR_ENV

HERE = Path(__file__).resolve().parent
REAL_LOG = HERE.parent.parent / "shared" / "data" / "eventlogs" / "receipt.csv"
STEPS = ("load", "process_map", "variants", "case_durations", "irritants")
CONTACT, HAND_OFF, REPLY, ANSWER = (
    "request.contact_recorded",
    "request.handed_off",
    "request.person_replied",
    "satisfaction.answered",
)
INBOUND = ("request.received", CONTACT, REPLY)
WAIT = "waiting_user"
TERMINAL = ("resolved", "rejected", "cancelled", "closed")
DAY = 86_400.0


def _as_of() -> datetime:
    sys.path.insert(0, str(HERE))
    from journeys_data import DATA_END

    return DATA_END


def _timed(fn, repeat: int, cpu: dict | None = None, step: str = ""):
    """Best wall time of `repeat` runs; `cpu[step]` gets the best CPU time (all threads), which
    a machine busy with other jobs inflates much less than the wall time."""
    best, best_cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        result = fn()
        best = min(best, time.perf_counter() - began)
        best_cpu = min(best_cpu, time.process_time() - began_cpu)
    if cpu is not None:
        cpu[step] = best_cpu
    return best, result


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_ours(path: Path, repeat: int) -> dict:
    from guichet.journeys.engine import (
        case_durations,
        case_figures,
        process_map,
        read_log,
        summary,
        variants,
    )

    as_of = _as_of()
    times, cpu = {}, {}
    times["load"], log = _timed(lambda: read_log(path), 1, cpu, "load")
    loaded_mb = _peak_mb()
    times["process_map"], pmap = _timed(lambda: process_map(log), repeat, cpu, "process_map")
    times["variants"], found = _timed(lambda: variants(log), repeat, cpu, "variants")
    times["case_durations"], _ = _timed(lambda: case_durations(log), repeat, cpu, "case_durations")

    def irritants():
        figures = case_figures(log, as_of=as_of)
        return summary(figures, is_guichet=log.is_guichet)

    times["irritants"], rates = _timed(irritants, repeat, cpu, "irritants")
    return {
        "events": log.event_count,
        "cases": log.case_count,
        "edges": pmap.edges.height,
        "variants": found.height,
        "times": times,
        "cpu_times": cpu,
        "rates": {k: v for k, v in rates.row(0, named=True).items() if k.endswith("_rate")},
        "peak_mb": _peak_mb(),
        "peak_after_load_mb": loaded_mb,
    }


def worker_pm4py(path: Path, repeat: int) -> dict:
    import warnings

    import pandas as pd
    import pm4py

    warnings.filterwarnings("ignore")
    as_of = pd.Timestamp(_as_of())
    times, cpu = {}, {}

    def load():
        frame = pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path)
        return pm4py.format_dataframe(
            frame,
            case_id="case:concept:name",
            activity_key="concept:name",
            timestamp_key="time:timestamp",
        )

    times["load"], df = _timed(load, 1, cpu, "load")
    loaded_mb = _peak_mb()

    def process_map():
        return pm4py.discover_dfg(df), pm4py.discover_performance_dfg(df)

    times["process_map"], ((dfg, _, _), _) = _timed(process_map, repeat, cpu, "process_map")
    times["variants"], found = _timed(lambda: pm4py.get_variants(df), repeat, cpu, "variants")
    times["case_durations"], _ = _timed(
        lambda: pm4py.get_all_case_durations(df), repeat, cpu, "case_durations"
    )
    times["irritants"], rates = _timed(
        lambda: _pandas_irritants(df, as_of), repeat, cpu, "irritants"
    )
    return {
        "events": len(df),
        "cases": int(df["case:concept:name"].nunique()),
        "edges": len(dfg),
        "variants": len(found),
        "times": times,
        "cpu_times": cpu,
        "rates": rates,
        "peak_mb": _peak_mb(),
        "peak_after_load_mb": loaded_mb,
    }


def _revisited(frame, column: str):
    """Cases whose `column` comes back to a value it left (consecutive repeats collapsed)."""
    values = frame[column]
    previous = values.groupby(frame["case"]).shift(1)
    starts = frame[values.notna() & ((values != previous) | previous.isna())]
    grouped = starts.groupby("case")[column]
    return grouped.size() > grouped.nunique()


def _pandas_irritants(df, as_of) -> dict[str, float | None]:
    """The irritant rates of docs/journeys.md, computed with pandas on pm4py's dataframe."""
    import pandas as pd

    guichet = "guichet:kind" in df.columns
    activity = df["concept:name"]

    def column(name, default=None):
        return df[name] if name in df.columns else pd.Series(default, index=df.index)

    d = pd.DataFrame(
        {
            "case": df["case:concept:name"].astype(str),
            "ts": pd.to_datetime(df["time:timestamp"], utc=True),
            "kind": column("guichet:kind") if guichet else activity,
            "state": column("guichet:state") if guichet else activity,
            "source": column("guichet:source_state"),
            "visible": column("guichet:visible", True).fillna(True).astype(bool),
            "channel": column("channel"),
            "authority": column("guichet:authority"),
            "team": column("guichet:team"),
            "resolved": column("guichet:satisfaction_resolved"),
            "score": column("guichet:satisfaction_score"),
        }
    )
    d = d.sort_values(["case", "ts"], kind="stable")
    by = d.groupby("case", sort=True)
    due_name = next((c for c in ("case:due_at", "case:deadline") if c in df.columns), None)
    due = (
        pd.to_datetime(df[due_name], utc=True, format="mixed")
        .groupby(df["case:concept:name"].astype(str))
        .first()
        if due_name
        else pd.Series(pd.NaT, index=by.size().index, dtype="datetime64[ns, UTC]")
    )
    f = pd.DataFrame({"started": by["ts"].min(), "last": by["ts"].max()})
    f["contacts"] = (d["kind"] == CONTACT).groupby(d["case"]).sum()
    f["hand_offs"] = (d["kind"] == HAND_OFF).groupby(d["case"]).sum()
    f["inbound_channels"] = d["channel"].where(d["kind"].isin(INBOUND)).groupby(d["case"]).nunique()
    st = d[d["state"].notna()]
    state_end = st.groupby("case")["ts"].shift(-1).fillna(as_of)
    f["last_state"] = st.groupby("case")["state"].last()
    f["last_state_at"] = st.groupby("case")["ts"].last()
    f["outcome"] = st[st["state"] != "closed"].groupby("case")["state"].last()
    f["asked_user"] = (st["state"] == WAIT).groupby(st["case"]).any()
    f["reopens"] = (
        (st["source"].isin(TERMINAL) & ~st["state"].isin(TERMINAL)).groupby(st["case"]).sum()
    )
    wait = (state_end - st["ts"]).dt.total_seconds().where(st["state"] == WAIT)
    f["user_wait"] = wait.groupby(st["case"]).sum()
    f["rework"] = _revisited(d[d["state"].notna() & (d["state"] != WAIT)], "state")
    f["ping_pong"] = _revisited(d, "authority").reindex(f.index, fill_value=False) | _revisited(
        d, "team"
    ).reindex(f.index, fill_value=False)
    contacts = d[d["kind"] == CONTACT]
    span = contacts["ts"] - contacts.groupby("case")["ts"].shift(2)
    f["contact_burst"] = (span.dt.total_seconds() <= 14 * DAY).groupby(contacts["case"]).any()
    terminal = f["last_state"].isin(TERMINAL)
    end = f["last_state_at"].where(terminal).fillna(as_of) if guichet else f["last"]
    points = pd.concat(
        [
            d.loc[d["visible"], ["case", "ts"]],
            pd.to_datetime(end, utc=True).rename("ts").rename_axis("case").reset_index(),
        ]
    ).sort_values(["case", "ts"], kind="stable")
    gaps = points.groupby("case")["ts"].diff().dt.total_seconds()
    f["max_silence"] = gaps.groupby(points["case"]).max().fillna(0.0)
    a = d[d["state"].notna() | (d["kind"] == REPLY)].copy()
    a["episode"] = (a["state"] == WAIT).groupby(a["case"]).cumsum()
    a = a[a["episode"] > 0]
    episodes = a.groupby(["case", "episode"])
    then = a[a["state"].notna()].groupby(["case", "episode"])["state"].nth(1)
    then.index = pd.MultiIndex.from_frame(a.loc[then.index, ["case", "episode"]])
    ep = pd.DataFrame(
        {
            "since": episodes["ts"].first(),
            "answered": (a["kind"] == REPLY).groupby([a["case"], a["episode"]]).any(),
        }
    ).join(then.rename("then"))
    stale = ep["then"].isna() & ((as_of - ep["since"]).dt.total_seconds() >= 30 * DAY)
    ep["abandoned"] = ~ep["answered"] & (ep["then"].isin(("cancelled", "closed")) | stale)
    f["abandoned"] = ep["abandoned"].groupby(level="case").any()
    answers = d[d["kind"] == ANSWER]
    unhappy = (answers["resolved"] == False) | (answers["score"] <= 2)  # noqa: E712
    f["dissatisfied"] = unhappy.fillna(False).groupby(answers["case"]).any()
    f = f.join(due.rename("due"))
    ended = f["last_state"].isin(TERMINAL) if guichet else pd.Series(True, index=f.index)
    f["is_open"] = ~ended
    finish = (f["last_state_at"] if guichet else f["last"]).where(ended).fillna(as_of)
    for name in ("rework", "contact_burst", "abandoned", "asked_user"):
        f[name] = f[name].astype("boolean").fillna(False).astype(bool)
    flags = {
        "repeat_contact": f["contacts"] >= 2,
        "contact_burst": f["contact_burst"],
        "first_contact_resolution": (f["outcome"] == "resolved") & ~f["is_open"]
        & (f["contacts"] == 0) & ~f["asked_user"] & (f["reopens"].fillna(0) == 0)
        & (f["hand_offs"] == 0),  # fmt: skip
        "long_silence": f["max_silence"] > 10 * DAY,
        "deadline_breached": f["due"].notna() & (finish > f["due"]),
        "at_risk": f["due"].notna() & (f["due"] >= as_of)
        & ((f["due"] - as_of).dt.total_seconds() <= 2 * DAY),
        "rework": f["rework"],
        "ping_pong": f["ping_pong"],
        "channel_switch": f["inbound_channels"] >= 2,
        "reopened": f["reopens"].fillna(0) > 0,
        "abandoned": f["abandoned"],
    }  # fmt: skip
    rates: dict[str, float | None] = {}
    for name, flag in flags.items():
        values = flag.astype(bool)[f["is_open"]] if name == "at_risk" else flag.astype(bool)
        rates[f"{name}_rate"] = float(values.mean()) if len(values) else None
    answered = f["dissatisfied"].notna()
    rates["dissatisfied_rate"] = (
        float(f["dissatisfied"][answered].astype(bool).mean()) if answered.any() else None
    )
    return rates


def _run_worker(engine: str, path: Path, repeat: int, timeout: float) -> dict:
    command = [sys.executable, __file__, "--worker", engine, "--log", str(path)]
    command += ["--repeat", str(repeat)]
    load_before = os.getloadavg()
    began = time.perf_counter()
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False,
            cwd=HERE.parent, env={**POLARS_ALLOCATOR_ENV, **os.environ},
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"error": f"over {timeout:.0f} s", "load_average": [load_before, os.getloadavg()]}
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1:], "returncode": done.returncode}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = time.perf_counter() - began
    result["load_average"] = [load_before, os.getloadavg()]
    return result


def _logs(sizes: list[int]) -> list[tuple[str, Path]]:
    sys.path.insert(0, str(HERE))
    from journeys_data import write

    logs = [("receipt.csv (real)", REAL_LOG)] if REAL_LOG.exists() else []
    for size in sizes:
        path = HERE / "data" / f"journeys-{size}.parquet"
        if not path.exists():
            print(f"generating {path.name} ...", flush=True)
            write(size, path)
        logs.append((f"synthetic {size:,}", path))
    return logs


def _table(runs: list[dict]):
    from rich.table import Table

    table = Table(title="Journey analytics: guichet engine (Polars) vs pm4py, seconds")
    columns = ("log", "events", "engine", *STEPS, "map+irritants", "cpu map+irr", "peak MB")
    for name in (*columns, "after load"):
        table.add_column(name, justify="left" if name in ("log", "engine") else "right")
    for run in runs:
        for engine in ("ours", "pm4py"):
            result = run.get(engine)
            if result is None:
                continue
            if "error" in result:
                table.add_row(run["log"], "", engine, f"failed: {result['error']}")
                continue
            times = result["times"]
            table.add_row(
                run["log"],
                f"{result['events']:,}",
                engine,
                *(f"{times[step]:.3f}" for step in STEPS),
                f"{times['process_map'] + times['irritants']:.3f}",
                f"{result['cpu_times']['process_map'] + result['cpu_times']['irritants']:.3f}",
                f"{result['peak_mb']:,.0f}",
                f"{result['peak_after_load_mb']:,.0f}",
            )
        if run.get("speedup"):
            table.add_row(
                run["log"], "", "pm4py / ours", *(f"{run['speedup'][s]:.1f}×" for s in STEPS),
                f"{run['speedup']['map+irritants']:.1f}×", f"{run['speedup']['cpu map+irritants']:.1f}×",
                "", "",
            )  # fmt: skip
    return table


def _compare(ours: dict, theirs: dict) -> dict:
    speedup = {s: theirs["times"][s] / max(ours["times"][s], 1e-9) for s in STEPS}
    mine = ours["times"]["process_map"] + ours["times"]["irritants"]
    speedup["map+irritants"] = (
        theirs["times"]["process_map"] + theirs["times"]["irritants"]
    ) / max(mine, 1e-9)
    cpu_ours, cpu_theirs = ours["cpu_times"], theirs["cpu_times"]
    speedup["cpu map+irritants"] = (cpu_theirs["process_map"] + cpu_theirs["irritants"]) / max(
        cpu_ours["process_map"] + cpu_ours["irritants"], 1e-9
    )
    gaps = {
        name: abs(value - theirs["rates"][name])
        for name, value in ours["rates"].items()
        if value is not None and theirs["rates"].get(name) is not None
    }
    return {"speedup": speedup, "rate_differences": gaps}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", default="1000000,10000000")
    parser.add_argument("--skip-pm4py", action="store_true")
    parser.add_argument("--pm4py-max-events", type=int, default=1_000_000)
    parser.add_argument("--pm4py-timeout", type=float, default=1_800)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--worker", choices=("ours", "pm4py"), help=argparse.SUPPRESS)
    parser.add_argument("--log", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        work = worker_ours if args.worker == "ours" else worker_pm4py
        print(json.dumps(work(args.log, args.repeat)))
        return

    from rich.console import Console

    console = Console(width=150)
    sizes = [int(size) for size in args.events.split(",") if size]
    runs = []
    for name, path in _logs(sizes):
        console.print(f"[bold]{name}[/]: ours ...")
        run = {
            "log": name,
            "file": str(path),
            "ours": _run_worker("ours", path, args.repeat, 3_600),
        }
        events = run["ours"].get("events", 0)
        if args.skip_pm4py:
            run["pm4py_skipped"] = "--skip-pm4py"
        elif events > args.pm4py_max_events:
            run["pm4py_skipped"] = f"over --pm4py-max-events ({args.pm4py_max_events:,})"
        else:
            console.print(f"[bold]{name}[/]: pm4py ...")
            run["pm4py"] = _run_worker("pm4py", path, 1, args.pm4py_timeout)
            if "error" not in run["pm4py"] and "error" not in run["ours"]:
                run.update(_compare(run["ours"], run["pm4py"]))
        runs.append(run)
    console.print(_table(runs))
    stamp = datetime.now(tz=UTC)
    output = HERE / "results" / f"journeys-{stamp:%Y-%m-%d-%H%M}.json"
    output.parent.mkdir(exist_ok=True)
    machine = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "note": "2 vCPU shared with other people's jobs: see each run's load_average",
    }
    output.write_text(
        json.dumps({"date": stamp.isoformat(), "machine": machine, "runs": runs}, indent=2)
    )
    console.print(f"results: {output.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
