"""The journey-analytics engine: pure functions over an EventLog (Polars), no database.

    log = read_log("export.xes")                 # or guichet.journeys.store.journal_log()
    log = filter_log(log, Filters(service=("encombrants",), since=..., until=...))
    process_map(log).edges                        # source, target, count, mean/median/p90 s
    simplify(log, activities=0.8, paths=0.4)      # the most frequent 80 % / 40 %, as Disco
    variants(log); case_durations(log)
    figures = case_figures(log, as_of=now)        # one row per case: waits, irritants
    summary(figures, is_guichet=log.is_guichet, by="commune")
    forecast_demand(log)                          # 8 weeks per service and commune
    write_log(log, "out.xes", "xes")

Definitions of every figure: docs/journeys.md.
"""

from guichet.journeys.engine.aggregate import DIMENSIONS, IRRITANTS, PERIODS, availability, summary
from guichet.journeys.engine.discovery import ProcessMap, case_durations, process_map, variants
from guichet.journeys.engine.forecast import SeriesForecast, forecast_demand, weekly_demand
from guichet.journeys.engine.irritants import Thresholds, case_figures
from guichet.journeys.engine.log import SEGMENTS, EventLog, Filters, filter_log, make_log
from guichet.journeys.engine.reading import LogFileError, log_from_frame, read_log
from guichet.journeys.engine.simplify import SimplifiedMap, simplify
from guichet.journeys.engine.writing import export_frame, ocel, write_log

__all__ = [
    "DIMENSIONS",
    "IRRITANTS",
    "PERIODS",
    "SEGMENTS",
    "EventLog",
    "Filters",
    "LogFileError",
    "ProcessMap",
    "SeriesForecast",
    "SimplifiedMap",
    "Thresholds",
    "availability",
    "case_durations",
    "case_figures",
    "export_frame",
    "filter_log",
    "forecast_demand",
    "log_from_frame",
    "make_log",
    "ocel",
    "process_map",
    "read_log",
    "simplify",
    "summary",
    "variants",
    "weekly_demand",
    "write_log",
]
