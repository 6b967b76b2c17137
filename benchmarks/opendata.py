"""The open data requests data set (issue 19) over the intake benchmark's 1,000,000 requests.

    .venv/bin/python benchmarks/opendata.py [--database-url postgres://…/guichet_bench]
        [--k 5] [--no-save]

Reads the shared `guichet_bench` database built by `benchmarks/intake_data.py` (never written:
run `guichet migrate` on it first so the opendata tables and `Service.open_data` exist). Two
runs, each in its own child process so that each peak resident memory is its own:

- **guichet**: `opendata.datasets.requests.build` (two streamed passes, the k-anonymity
  suppression of rare service × commune × month groups and the H3 generalisation of every
  point) and `opendata.writers.write_table` (the Table Schema check of every batch, CSV,
  GeoJSON FeatureCollection and Parquet written at once) into a temporary folder: what a
  publication run does, without its database bookkeeping.
- **reference**: the same columns without anonymisation (precise points, no suppression, no
  schema check): PostgreSQL's own `COPY (SELECT … joins …) TO STDOUT (FORMAT csv)` streamed
  to a file, then DuckDB reading it and writing CSV, Parquet and GeoJSON features (one per
  line, GeoJSONSeq: DuckDB has no FeatureCollection writer).

For each: wall time, CPU time of the process, peak RSS (`ru_maxrss`), rows and bytes per
format. Target: guichet < 15 s and < 500 MB peak. Results in
benchmarks/results/opendata-<date>-postgresql.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import save_result

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/guichet_bench"

REFERENCE_SQL = """
WITH epci AS (
  SELECT DISTINCT ON (m.commune_id) m.commune_id, i.siren
  FROM territory_membership m JOIN territory_intercommunality i ON i.id = m.intercommunality_id
  WHERE i.kind <> 'EPT' ORDER BY m.commune_id, i.id
)
SELECT r.reference AS service_request_id,
  (r.received_at AT TIME ZONE 'Europe/Paris')::date AS requested_date,
  (r.updated_at AT TIME ZONE 'Europe/Paris')::date AS updated_date,
  CASE WHEN r.public_status IN ('done', 'cancelled')
    THEN (COALESCE(r.resolved_at, r.closed_at) AT TIME ZONE 'Europe/Paris')::date END
    AS closed_date,
  CASE WHEN r.public_status IN ('done', 'cancelled') THEN 'closed' ELSE 'open' END AS status,
  r.public_status AS generic_status,
  s.slug AS service_code, s.name AS service_name, c.name AS service_category,
  a.name AS agency_responsible, NULLIF(a.siren, '') AS agency_siren, r.channel,
  co.code AS commune_insee, epci.siren AS epci_siren,
  r.latitude AS lat, r.longitude AS long,
  s.sla_working_days, (r.due_at AT TIME ZONE 'Europe/Paris')::date AS expected_date,
  CASE WHEN r.due_at IS NULL THEN NULL
    WHEN COALESCE(r.resolved_at, r.closed_at) IS NOT NULL
      THEN COALESCE(r.resolved_at, r.closed_at) <= r.due_at
    WHEN r.due_at < now() THEN false END AS on_time,
  p.reference AS parent_service_request_id
FROM cases_request r
JOIN catalogue_service s ON s.id = r.service_id
JOIN catalogue_category c ON c.id = s.category_id
JOIN authorities_authority a ON a.id = r.authority_id
LEFT JOIN territory_commune co ON co.id = r.commune_id
LEFT JOIN epci ON epci.commune_id = r.commune_id
LEFT JOIN cases_request p ON p.id = r.duplicate_of_id
WHERE NOT r.is_test AND s.open_data
ORDER BY r.id
"""


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _sizes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in sorted(folder.iterdir()) if p.is_file()}


def run_guichet(url: str, k: int, chunk: int) -> dict:
    os.environ.update(
        DATABASE_URL=url, DJANGO_SETTINGS_MODULE="guichet.config.settings", DEBUG="0",
        GUICHET_DATA_DIR=tempfile.mkdtemp(prefix="guichet-bench-opendata-"),
    )  # fmt: skip
    import django

    django.setup()
    from guichet.opendata.datasets import requests
    from guichet.opendata.writers import write_table

    baseline = _peak_mb()
    folder = Path(tempfile.mkdtemp(prefix="opendata-guichet-"))
    started, cpu = time.perf_counter(), _cpu()
    build = requests.build(None, k, chunk=chunk)
    written = write_table(folder, "requests", "requests", build.batches, geometry=build.geometry)
    seconds = time.perf_counter() - started
    import pyarrow.parquet as pq

    rows = pq.ParquetFile(folder / "requests.parquet").metadata.num_rows
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(_cpu() - cpu, 2),
        "peak_rss_mb": _peak_mb(),
        "rss_after_django_setup_mb": baseline,
        "rows": rows,
        "chunk_rows": chunk,
        "requests_read": build.stats.total,
        "suppressed": build.stats.suppressed,
        "located_to_commune_only": build.stats.location_levels.get("commune", 0),
        "bytes": {w.path.name: w.byte_size for w in written},
    }


def run_reference(url: str) -> dict:
    import duckdb
    import psycopg

    folder = Path(tempfile.mkdtemp(prefix="opendata-duckdb-"))
    source = folder / "source.csv"
    started, cpu = time.perf_counter(), _cpu()
    with (
        psycopg.connect(url) as connection,
        connection.cursor() as cursor,
        source.open("wb") as out,
        cursor.copy(f"COPY ({REFERENCE_SQL}) TO STDOUT (FORMAT csv, HEADER)") as copy,
    ):
        for chunk in copy:
            out.write(chunk)
    read_seconds = time.perf_counter() - started
    db = duckdb.connect()
    db.execute(f"CREATE VIEW t AS SELECT * FROM read_csv('{source}', header=true)")
    db.execute(f"COPY t TO '{folder / 'requests.csv'}' (FORMAT csv, HEADER)")
    db.execute(f"COPY t TO '{folder / 'requests.parquet'}' (FORMAT parquet, COMPRESSION zstd)")
    db.execute(
        "COPY (SELECT json_object('type', 'Feature', 'geometry', CASE WHEN lat IS NULL THEN NULL"
        " ELSE json_object('type', 'Point', 'coordinates', json_array(long, lat)) END,"
        " 'properties', to_json(t))::VARCHAR AS feature FROM t)"
        f" TO '{folder / 'requests.geojsonl'}'"
        " (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\x1f')"
    )
    seconds = time.perf_counter() - started
    rows = db.execute(f"SELECT count(*) FROM '{folder / 'requests.parquet'}'").fetchone()[0]
    source.unlink()
    return {
        "seconds": round(seconds, 2),
        "postgres_copy_seconds": round(read_seconds, 2),
        "cpu_seconds_of_this_process": round(_cpu() - cpu, 2),
        "peak_rss_mb": _peak_mb(),
        "rows": rows,
        "bytes": _sizes(folder),
    }


def _child(which: str, url: str, k: int, chunk: int) -> dict:
    output = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--child", which, "--database-url", url, "--k", str(k),
         "--chunk", str(chunk)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--child", choices=("guichet", "reference"))
    parser.add_argument("--chunk", type=int, default=10_000, help="rows per batch")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    if args.child == "guichet":
        print(json.dumps(run_guichet(args.database_url, args.k, args.chunk)))
        return
    if args.child == "reference":
        print(json.dumps(run_reference(args.database_url)))
        return
    guichet = _child("guichet", args.database_url, args.k, args.chunk)
    reference = _child("reference", args.database_url, args.k, args.chunk)
    result = {
        "database": args.database_url.rsplit("/", 1)[1],
        "k": args.k,
        "guichet": guichet,
        "reference_postgres_copy_then_duckdb": reference,
        "ratio_seconds": round(guichet["seconds"] / reference["seconds"], 2),
        "targets": {
            "seconds_under_15": guichet["seconds"] < 15,
            "peak_rss_under_500_mb": guichet["peak_rss_mb"] < 500,
        },
    }
    if args.no_save:
        print(json.dumps(result, indent=2))
    else:
        save_result("opendata", "postgresql", result)


if __name__ == "__main__":
    main()
