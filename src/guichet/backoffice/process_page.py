"""The process map page's reads: the sliders from the URL, the simplified map and its tables.

The URL keeps the manager's choices beside the dashboards' filters, so a simplified map can be
shared: `activites` (share of the activities shown, 1–100 %), `chemins` (share of the paths,
0–100 %) and `systeme=1` to show the platform's own activities (notifications…), hidden by
default.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.http import QueryDict
from django.utils.safestring import SafeString

from guichet.backoffice import process_graph
from guichet.backoffice.analytics import Table
from guichet.backoffice.process_graph import activity_label, duration_label, is_system_activity
from guichet.journeys.engine import EventLog
from guichet.journeys.engine.simplify import END, START, SimplifiedMap, simplify

CONTROL_KEYS = ("activites", "chemins", "systeme")
DEFAULT_ACTIVITIES, DEFAULT_PATHS = 100, 40


def _percent(query: QueryDict, key: str, default: int, low: int) -> int:
    text = query.get(key, "")
    if not text.isdecimal() or len(text) > 3:
        return default
    return min(max(int(text), low), 100)


@dataclass(frozen=True)
class Controls:
    """The sliders and the checkbox, read from the URL (anything unreadable: the default)."""

    activities: int = DEFAULT_ACTIVITIES
    paths: int = DEFAULT_PATHS
    system: bool = False

    @property
    def query(self) -> list[tuple[str, str]]:
        """The controls as URL parameters (the filters' form keeps them)."""
        found = [("activites", str(self.activities)), ("chemins", str(self.paths))]
        return found + ([("systeme", "1")] if self.system else [])

    @classmethod
    def from_query(cls, query: QueryDict) -> Controls:
        return cls(
            activities=_percent(query, "activites", DEFAULT_ACTIVITIES, 1),
            paths=_percent(query, "chemins", DEFAULT_PATHS, 0),
            system=query.get("systeme") == "1",
        )


@dataclass(frozen=True)
class ProcessPage:
    controls: Controls
    smap: SimplifiedMap
    svg: SafeString
    tables: list[Table]
    other_query: list[tuple[str, str]]  # the dashboards' filters, kept by the sliders' form

    @property
    def shown_activities(self) -> int:
        return len(self.smap.kept_activities)

    @property
    def total_activities(self) -> int:
        return self.smap.activities.height

    @property
    def shown_paths(self) -> int:
        return _real(self.smap.kept_edges).height

    @property
    def total_paths(self) -> int:
        return _real(self.smap.edges).height


def _real(edges: pl.DataFrame) -> pl.DataFrame:
    """The paths between two activities (not a case's start or end)."""
    return edges.filter((pl.col("source") != START) & (pl.col("target") != END))


def system_activities(log: EventLog) -> list[str]:
    activities = log.events["activity"].cast(pl.String).unique().drop_nulls().to_list()
    return sorted(a for a in activities if is_system_activity(a))


def build(log: EventLog, query: QueryDict) -> ProcessPage:
    controls = Controls.from_query(query)
    smap = simplify(
        log,
        activities=controls.activities / 100,
        paths=controls.paths / 100,
        hidden=() if controls.system else system_activities(log),
    )
    other = [
        (key, value)
        for key, values in query.lists()
        if key not in (*CONTROL_KEYS, "format", "table")
        for value in values
    ]
    return ProcessPage(
        controls=controls, smap=smap, svg=process_graph.render(smap),
        tables=[activities_table(smap), paths_table(smap)], other_query=other,
    )  # fmt: skip


def _yes(kept: bool) -> str:
    return "oui" if kept else "non"


def activities_table(smap: SimplifiedMap) -> Table:
    starts = dict(smap.edges.filter(pl.col("source") == START).select("target", "count").rows())
    ends = dict(smap.edges.filter(pl.col("target") == END).select("source", "count").rows())
    return Table(
        "activites", "Activités, les plus fréquentes d'abord",
        ["Activité", "Événements", "Demandes concernées", "Demandes qui commencent par elle",
         "Demandes qui finissent par elle", "Sur la carte"],
        [[activity_label(a["activity"]), a["count"], a["cases"], starts.get(a["activity"], 0),
          ends.get(a["activity"], 0), _yes(a["kept"])]
         for a in smap.activities.iter_rows(named=True)]
        + [[activity_label(a["activity"]), a["count"], a["cases"], "—", "—",
            "non (activité système masquée)"]
           for a in smap.hidden_activities.iter_rows(named=True)],
    )  # fmt: skip


def paths_table(smap: SimplifiedMap) -> Table:
    return Table(
        "enchainements", "Enchaînements d'activités, les plus fréquents d'abord",
        ["De", "Vers", "Nombre", "Moyenne", "Médiane", "90e centile", "Moyenne (s)",
         "Médiane (s)", "90e centile (s)", "Sur la carte"],
        [[activity_label(e["source"]), activity_label(e["target"]), e["count"],
          duration_label(e["mean_seconds"]), duration_label(e["median_seconds"]),
          duration_label(e["p90_seconds"]), round(e["mean_seconds"]), round(e["median_seconds"]),
          round(e["p90_seconds"]), _yes(e["kept"])]
         for e in _real(smap.edges).iter_rows(named=True)],
    )  # fmt: skip
