"""Every indicator of a delegation contract for a year, and its annual report PDF, on the
1,000,000-request benchmark database, each against the same computation in pandas + DuckDB.

    .venv/bin/python benchmarks/steering.py [--database guichet_bench] [--rounds 3]

Reads the database `intake_data.py` loaded. The contracts it needs are created inside one
transaction that is rolled back at the end: the database is left as it was. Two contracts:

- `operator`: Tours Métropole → vdl-collecte, its two delegated services, every commune where
  the operator has requests, 2026 (the realistic case);
- `stress`: the same indicators on Tours' own requests (every service, 2026): the largest
  authority of the database, to see how the computation scales. Its operator is Tours itself,
  written straight to the table (the action refuses a non-operator: that is the point of it).

For each: `contracts.indicators.compute` (facts read through the ORM, working days with
`core.calendar`), timed; then the same figures from the same rows fetched with psycopg,
working days with numpy's `busday_count` and the French holidays, grouped in DuckDB; both
must agree to the hundredth. Then the annual report of the operator's contract (PDF with its
charts, ODS and CSV), timed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--database", default="guichet_bench")
parser.add_argument("--rounds", type=int, default=3)
parser.add_argument("--year", type=int, default=2026)
args = parser.parse_args()
URL = f"postgres://postgres@127.0.0.1:5432/{args.database}"
os.environ.update(
    DATABASE_URL=URL, DEBUG="0", DJANGO_SETTINGS_MODULE="guichet.config.settings",
    GUICHET_DATA_DIR=tempfile.mkdtemp(prefix="guichet-bench-steering-"),
)  # fmt: skip

import django  # noqa: E402

django.setup()

import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from harness import save_result  # noqa: E402

from guichet.authorities.models import Authority  # noqa: E402
from guichet.backoffice.contracts.report.build import render  # noqa: E402
from guichet.cases.models import Request  # noqa: E402
from guichet.contracts.indicators import compute  # noqa: E402
from guichet.contracts.models import Contract, Indicator, Report  # noqa: E402
from guichet.contracts.models import IndicatorKind as K  # noqa: E402
from guichet.core import calendar  # noqa: E402

SINCE, UNTIL = date(args.year, 1, 1), date(args.year, 12, 31)
TARGETS = [
    (K.ANSWER_DELAY, 3, 1, 500), (K.RESOLVE_DELAY, 8, 1, 500), (K.WITHIN_PROMISE, 90, 5, 1000),
    (K.FIRST_CONTACT, 80, 5, None), (K.REPEAT_CONTACTS, 10, 2, None),
    (K.SATISFACTION, 4, 0.5, None), (K.COMPLAINTS, 5, 0, 200),
]  # fmt: skip


def _contract(authority, operator, title, services, communes) -> Contract:
    contract = Contract.objects.create(
        authority=authority, operator=operator, title=title, starts_on=SINCE, ends_on=UNTIL,
        created_at=timezone.now(),
    )  # fmt: skip
    contract.services.set(services)
    contract.communes.set(communes)
    Indicator.objects.bulk_create(
        Indicator(contract=contract, kind=k, target=t, tolerance=tol, penalty=p)
        for k, t, tol, p in TARGETS
    )
    return contract


def timed(run, rounds):
    seconds, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - started)
    return result, {
        "min_s": round(min(seconds), 3),
        "median_s": round(statistics.median(seconds), 3),
    }


def holidays_for(years, departements) -> dict[str | None, list[np.datetime64]]:
    found = {}
    for dept in departements:
        days = set()
        for year in years:
            days |= calendar.public_holidays(year, departement=dept)
        found[dept] = sorted(np.datetime64(d) for d in days)
    return found


def working_days(start: pd.Series, end: pd.Series, depts: pd.Series, holidays) -> np.ndarray:
    """(start's Paris day, end's Paris day] in working days, per département's holidays."""
    out = np.zeros(len(start), dtype="int64")
    first = start.dt.tz_convert("Europe/Paris").dt.date.values.astype("datetime64[D]")
    last = end.dt.tz_convert("Europe/Paris").dt.date.values.astype("datetime64[D]")
    for dept, days in holidays.items():
        mask = (depts == dept).values if dept is not None else depts.isna().values
        if mask.any():
            out[mask] = np.busday_count(first[mask] + 1, last[mask] + 1, holidays=days)
    return out


def with_duckdb(contract: Contract) -> dict[tuple[str, str], float | None]:
    """Every indicator by month, from raw rows: psycopg + numpy working days + DuckDB."""
    services = list(contract.services.values_list("pk", flat=True))
    communes = list(contract.communes.values_list("pk", flat=True))
    start = f"{SINCE.isoformat()} 00:00:00 Europe/Paris"
    end = f"{date(UNTIL.year + 1, 1, 1).isoformat()} 00:00:00 Europe/Paris"
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT r.id, r.received_at, r.resolved_at, r.due_at, d.code AS dept,
                      r.pauses::text = '[]' AS no_pause
               FROM cases_request r JOIN territory_commune c ON c.id = r.commune_id
               LEFT JOIN territory_departement d ON d.id = c.departement_id
               WHERE r.authority_id = %s AND NOT r.is_test AND r.received_at >= %s::timestamptz
                 AND r.received_at < %s::timestamptz AND r.service_id = ANY(%s)
                 AND r.commune_id = ANY(%s)""",
            [contract.operator_id, start, end, services, communes],
        )
        req = pd.DataFrame(cursor.fetchall(), columns=[c.name for c in cursor.description])
        cursor.execute(
            """SELECT e.case_id, e.kind, min(e.occurred_at) AS first FROM core_event e
               WHERE e.kind IN ('request.message_sent', 'request.person_replied',
                                'request.contact_recorded')
                 AND e.case_id IN (SELECT r.id FROM cases_request r WHERE r.authority_id = %s
                   AND NOT r.is_test AND r.received_at >= %s::timestamptz
                   AND r.received_at < %s::timestamptz AND r.service_id = ANY(%s)
                   AND r.commune_id = ANY(%s))
               GROUP BY 1, 2""",
            [contract.operator_id, start, end, services, communes],
        )
        ev = pd.DataFrame(cursor.fetchall(), columns=["case_id", "kind", "first"])
        cursor.execute(
            """SELECT DISTINCT ON (s.request_id) s.request_id, a.score,
                      bool_or(NOT a.resolved) OVER (PARTITION BY s.request_id) AS complaint
               FROM satisfaction_answer a JOIN satisfaction_survey s ON s.id = a.survey_id
               WHERE s.request_id = ANY(%s) ORDER BY s.request_id, a.answered_at DESC, a.id DESC""",
            [list(req["id"])],
        )
        ans = pd.DataFrame(cursor.fetchall(), columns=["id", "score", "complaint"])
    assert req["no_pause"].all(), "pauses in the benchmark data: not handled by this comparison"
    for column in ("received_at", "resolved_at", "due_at"):
        req[column] = pd.to_datetime(req[column], utc=True)
    ev["first"] = pd.to_datetime(ev["first"], utc=True)
    messages = ev.loc[ev.kind == "request.message_sent", ["case_id", "first"]]
    messages = messages.rename(columns={"case_id": "id", "first": "message"})
    req = req.merge(messages, on="id", how="left")
    req["message"] = pd.to_datetime(req["message"], utc=True)
    req["chased"] = req["id"].isin(ev.loc[ev.kind == "request.contact_recorded", "case_id"])
    req["replied"] = req["id"].isin(ev.loc[ev.kind == "request.person_replied", "case_id"])
    answered = req["message"].where(
        req["resolved_at"].isna() | (req["message"] <= req["resolved_at"]), req["resolved_at"]
    )
    answered = answered.fillna(req["resolved_at"])
    years = range(SINCE.year, UNTIL.year + 2)
    holidays = holidays_for(years, set(req["dept"].dropna()) | {None})
    has_answer, resolved = answered.notna(), req["resolved_at"].notna()
    req["answer_days"] = np.nan
    req.loc[has_answer, "answer_days"] = working_days(
        req.loc[has_answer, "received_at"],
        answered[has_answer],
        req.loc[has_answer, "dept"],
        holidays,
    )
    req["resolve_days"] = np.nan
    req.loc[resolved, "resolve_days"] = np.maximum(
        working_days(req.loc[resolved, "received_at"], req.loc[resolved, "resolved_at"],
                     req.loc[resolved, "dept"], holidays), 0)  # fmt: skip
    req["within"] = np.where(
        resolved & req["due_at"].notna(),
        (req["resolved_at"] <= req["due_at"]).astype(float),
        np.nan,
    )
    req["fcr"] = np.where(resolved, (~req["chased"] & ~req["replied"]).astype(float), np.nan)
    req["month"] = req["received_at"].dt.tz_convert("Europe/Paris").dt.strftime("%Y-%m")
    req = req.merge(ans, on="id", how="left")
    req["complaint"] = req["complaint"].fillna(False).astype(float)
    req["repeat"] = req["chased"].astype(float)
    frame = req[
        ["month", "answer_days", "resolve_days", "within", "fcr", "repeat", "score", "complaint"]
    ]
    db = duckdb.connect()
    db.register("frame", frame)
    grouped = db.sql(
        """SELECT month, round(avg(answer_days), 2) AS answer_delay,
                  round(avg(resolve_days), 2) AS resolve_delay,
                  round(100 * avg(within), 2) AS within_promise,
                  round(100 * avg(fcr), 2) AS first_contact,
                  round(100 * avg("repeat"), 2) AS repeat_contacts,
                  round(avg(score), 2) AS satisfaction, sum(complaint) AS complaints
           FROM frame GROUP BY month ORDER BY month"""
    ).df()
    out = {}
    for row in grouped.to_dict("records"):
        for kind in K.values:
            value = row[kind]
            out[(kind, row["month"])] = None if pd.isna(value) else float(value)
    return out


def agree(figures, other) -> int:
    """How many month figures both computed; raises on the first difference."""
    checked = 0
    for result in figures.results:
        for month, figure in result.by_month.items():
            key = (result.indicator.kind, month.isoformat()[:7])
            if key not in other:
                assert figure.population == 0, key
                continue
            theirs = other[key]
            if figure.value is None or theirs is None:
                assert figure.value is None and theirs is None, (key, figure.value, theirs)
            else:
                assert abs(figure.value - theirs) < 0.011, (key, figure.value, theirs)
            checked += 1
    return checked


results = {"database": args.database, "year": args.year}
with transaction.atomic():
    metropole = Authority.objects.get(slug="tours-metropole")
    operator = Authority.objects.get(slug="vdl-collecte")
    tours = Authority.objects.get(slug="tours")
    handled = Request.objects.filter(authority=operator)
    scenarios = {
        "operator": _contract(
            metropole, operator, "DSP collecte (banc d'essai)",
            sorted(set(handled.values_list("service_id", flat=True))),
            sorted(set(handled.values_list("commune_id", flat=True))),
        ),
        "stress": _contract(
            metropole, tours, "Toutes les demandes de Tours (banc d'essai)",
            sorted(set(Request.objects.filter(authority=tours).values_list("service_id", flat=True))),
            sorted(set(Request.objects.filter(authority=tours).values_list("commune_id", flat=True))),
        ),
    }  # fmt: skip
    for name, contract in scenarios.items():
        rounds = args.rounds if name == "operator" else 1  # the stress case once: it is long
        figures, ours = timed(lambda c=contract: compute(c, SINCE, UNTIL), rounds)
        other, theirs = timed(lambda c=contract: with_duckdb(c), rounds)
        results[name] = {
            "requests": figures.requests, "indicators": len(figures.results),
            "months": len(figures.months), "guichet": ours, "pandas_duckdb": theirs,
            "figures_compared": agree(figures, other), "breaches": figures.breach_count,
        }  # fmt: skip
        print(name, results[name], flush=True)
    report = Report.objects.create(
        contract=scenarios["operator"], period=Report.Period.YEAR, starts_on=SINCE,
        ends_on=UNTIL, requested_at=timezone.now(),
    )  # fmt: skip
    (status, files), pdf = timed(lambda: render(report, lambda done, total: None), 1)
    results["annual_report"] = {"status": status, "files": sorted(files), **pdf}
    transaction.set_rollback(True)  # the benchmark database is left as it was
save_result("steering", connection.vendor, results)
