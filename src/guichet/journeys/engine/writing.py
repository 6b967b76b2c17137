"""Exports of any (filtered) log: CSV, Parquet, XES 1849-2016 and OCEL 2.0 JSON.

CSV and Parquet use the standard column names plus `guichet:*` columns, so that reading an
export back gives the same figures. XES is written here as a stream (no AGPL library in the
product); pm4py reads all four back in the tests.
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import quoteattr

import polars as pl

from guichet.journeys.engine import columns as c
from guichet.journeys.engine.log import SEGMENTS, EventLog

FORMATS = ("csv", "parquet", "xes", "ocel")
_ISO = "%Y-%m-%dT%H:%M:%S%.6f+00:00"


def export_frame(log: EventLog) -> pl.DataFrame:
    """The flat event table with standard names, case attributes repeated on each event."""
    case_names = {name: f"case:{name}" for name in (*SEGMENTS, "due_at", "received_at")}
    cases = log.cases.rename(case_names | {"case_id": c.CASE_ID})
    events = log.events.select(
        pl.col("case_id").cast(pl.String).alias(c.CASE_ID),
        pl.col("activity").alias(c.ACTIVITY),
        pl.col("timestamp").alias(c.TIMESTAMP),
        pl.col("resource").alias(c.RESOURCE),
        pl.col("channel").alias(c.CHANNEL),
        *(pl.col(ours).alias(theirs) for theirs, ours in c.GUICHET_EVENT_COLUMNS.items()),
    )
    # Strings in the file, as before the engine held them as categoricals.
    events = events.with_columns(pl.col(pl.Categorical).cast(pl.String))
    return events.join(cases, on=c.CASE_ID, how="left", maintain_order="left")


def write_log(log: EventLog, path: str | Path, fmt: str) -> Path:
    """Write `log` to `path` in `fmt` (csv, parquet, xes, ocel)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        frame = export_frame(log)
        dates = [n for n, t in frame.schema.items() if isinstance(t, pl.Datetime)]
        frame.with_columns(pl.col(dates).dt.to_string(_ISO)).write_csv(path)
    elif fmt == "parquet":
        export_frame(log).write_parquet(path)
    elif fmt == "xes":
        _write_xes(log, path)
    elif fmt == "ocel":
        path.write_text(json.dumps(ocel(log), ensure_ascii=False), encoding="utf-8")
    else:
        raise ValueError(f"Format d'export inconnu : « {fmt} » (possibles : {', '.join(FORMATS)}).")
    return path


def _xes_attribute(key: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<boolean key={quoteattr(key)} value="{str(value).lower()}"/>'
    if isinstance(value, int):
        return f'<int key={quoteattr(key)} value="{value}"/>'
    if hasattr(value, "isoformat"):
        return f'<date key={quoteattr(key)} value="{value.isoformat()}"/>'
    return f"<string key={quoteattr(key)} value={quoteattr(str(value))}/>"


def _write_xes(log: EventLog, path: Path) -> None:
    event_columns = {
        "activity": c.ACTIVITY,
        "timestamp": c.TIMESTAMP,
        "resource": c.RESOURCE,
        "channel": c.CHANNEL,
        **{ours: theirs for theirs, ours in c.GUICHET_EVENT_COLUMNS.items()},
    }
    case_columns = [col for col in log.cases.columns if col != "case_id"]
    cases = {row["case_id"]: row for row in log.cases.iter_rows(named=True)}
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<log xes.version="1849-2016" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">\n'
            '<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>\n'
            '<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>\n'
            '<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>\n'
            '<classifier name="Activity" keys="concept:name"/>\n'
        )
        per_case = log.events.partition_by("case_id", as_dict=True, maintain_order=True)
        for (case_id,), events in per_case.items():
            case = cases.get(case_id, {})
            out.write("<trace>" + _xes_attribute(c.ACTIVITY, case_id))
            out.write("".join(_xes_attribute(f"{col}", case.get(col)) for col in case_columns))
            out.write("\n")
            for row in events.select(list(event_columns)).iter_rows(named=True):
                attributes = "".join(_xes_attribute(event_columns[k], v) for k, v in row.items())
                out.write(f"<event>{attributes}</event>\n")
            out.write("</trace>\n")
        out.write("</log>\n")


def ocel(log: EventLog) -> dict:
    """The log as an OCEL 2.0 JSON document: requests (and persons) as objects."""
    case_attributes = [col for col in log.cases.columns if col not in ("case_id",)]
    objects = [
        {
            "id": f"request:{row['case_id']}",
            "type": "request",
            "attributes": [
                {"name": name, "time": "1970-01-01T00:00:00Z", "value": _json_value(row[name])}
                for name in case_attributes
                if row[name] is not None
            ],
            "relationships": [],
        }
        for row in log.cases.iter_rows(named=True)
    ]
    persons = log.events["person_id"].drop_nulls().unique().cast(pl.String).sort().to_list()
    objects += [
        {"id": f"person:{p}", "type": "person", "attributes": [], "relationships": []}
        for p in persons
    ]
    events = []
    # Journal ids are unique; a hand-made frame's may not be, then the row position is used.
    unique_ids = log.events["event_id"].is_unique().all()
    for position, row in enumerate(log.events.iter_rows(named=True)):
        relationships = [{"objectId": f"request:{row['case_id']}", "qualifier": "request"}]
        if row["person_id"] is not None:
            relationships.append({"objectId": f"person:{row['person_id']}", "qualifier": "person"})
        events.append(
            {
                "id": f"e{row['event_id'] if unique_ids else position}",
                "type": row["activity"],
                "time": row["timestamp"].isoformat(),
                "attributes": [
                    {"name": name, "value": row[name]}
                    for name in ("resource", "channel")
                    if row[name] is not None
                ],
                "relationships": relationships,
            }
        )
    activities = log.events["activity"].unique().cast(pl.String).sort().to_list()
    return {
        "objectTypes": [
            {
                "name": "request",
                "attributes": [
                    {"name": n, "type": _ocel_type(log.cases[n].dtype)} for n in case_attributes
                ],
            },
            {"name": "person", "attributes": []},
        ],
        "eventTypes": [
            {
                "name": activity,
                "attributes": [
                    {"name": "resource", "type": "string"},
                    {"name": "channel", "type": "string"},
                ],
            }
            for activity in activities
        ],
        "objects": objects,
        "events": events,
    }


def _ocel_type(dtype: pl.DataType) -> str:
    return "time" if isinstance(dtype, pl.Datetime) else "string"


def _json_value(value):
    return value.isoformat() if hasattr(value, "isoformat") else value
