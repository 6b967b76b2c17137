"""The process map drawn as a layered graph, in SVG, without a layout library.

Layers come from a breadth-first walk from the start activities (an activity sits one column
right of its nearest predecessor); within a column, activities keep the order in which they
first occur in the log. Edges going forward are curves between columns; edges going back or
staying in the column arc around the boxes, so a loop is visible as a loop.
"""

from __future__ import annotations

import html
from collections import deque
from dataclasses import dataclass

import polars as pl
from django.utils.safestring import SafeString, mark_safe

from guichet.backoffice.labels import event_label
from guichet.cases.workflow import DEFAULT_STATES
from guichet.journeys.engine import EventLog, ProcessMap

STATE_LABELS = {state.name: state.label for state in DEFAULT_STATES}
BOX_W, BOX_H, COL_GAP, ROW_GAP, MARGIN = 210, 54, 120, 46, 30


def activity_label(activity: str) -> str:
    """French name of a journal activity: "État : en cours de traitement", "Relance de l'usager"."""
    kind, _, state = activity.partition(":")
    if state:
        return f"État : {STATE_LABELS.get(state, state)}"
    return event_label(kind)


def duration_label(seconds: float | None) -> str:
    """A gap the way a manager reads it: "3,5 h", "2,1 j"."""
    if seconds is None:
        return "—"
    hours = seconds / 3600
    if hours < 48:
        return f"{hours:.1f} h".replace(".", ",")
    return f"{hours / 24:.1f} j".replace(".", ",")


@dataclass(frozen=True)
class Node:
    activity: str
    layer: int
    row: int
    starts: int
    ends: int

    @property
    def x(self) -> int:
        return MARGIN + self.layer * (BOX_W + COL_GAP)

    @property
    def y(self) -> int:
        return MARGIN + 20 + self.row * (BOX_H + ROW_GAP)


def layout(log: EventLog, pmap: ProcessMap) -> dict[str, Node]:
    """Column (BFS depth from the start activities) and row (first occurrence) per activity."""
    first_seen = (
        log.events.with_row_index("_i")
        .group_by("activity")
        .agg(pl.col("_i").min())
        .sort("_i")["activity"]
        .to_list()
    )
    order = {a: i for i, a in enumerate(first_seen)}
    successors: dict[str, list[str]] = {}
    for edge in pmap.edges.iter_rows(named=True):
        successors.setdefault(edge["source"], []).append(edge["target"])
    depth: dict[str, int] = {}
    queue = deque(sorted(pmap.start_activities, key=lambda a: order.get(a, 0)))
    for start in queue:
        depth[start] = 0
    while queue:
        current = queue.popleft()
        for target in sorted(successors.get(current, ()), key=lambda a: order.get(a, 0)):
            if target not in depth:
                depth[target] = depth[current] + 1
                queue.append(target)
    last = max(depth.values(), default=-1)
    for activity in first_seen:  # unreachable from a start (cannot happen in a clean log)
        depth.setdefault(activity, last + 1)
    nodes: dict[str, Node] = {}
    for layer in sorted(set(depth.values())):
        column = sorted((a for a, d in depth.items() if d == layer), key=lambda a: order.get(a, 0))
        for row, activity in enumerate(column):
            nodes[activity] = Node(
                activity, layer, row,
                pmap.start_activities.get(activity, 0), pmap.end_activities.get(activity, 0),
            )  # fmt: skip
    return nodes


def _text(x: float, y: float, content: str, **attrs) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f'<text x="{x:.0f}" y="{y:.0f}"{extra}>{html.escape(content)}</text>'


def _wrap(text: str, width: int = 26) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line][:2]


def _edge_path(a: Node, b: Node, lane: int) -> tuple[str, float, float]:
    """The path from a to b and where its label goes."""
    if a.activity == b.activity:  # a loop on itself: an ear above the box
        x, y = a.x + BOX_W - 30, a.y
        return (f"M{x},{y} C{x - 10},{y - 45} {x + 50},{y - 45} {x + 30},{y + 2}", x + 22, y - 38)
    if b.layer > a.layer:
        x1, y1 = a.x + BOX_W, a.y + BOX_H / 2
        x2, y2 = b.x, b.y + BOX_H / 2
        mid = (x1 + x2) / 2
        path = f"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"
        return path, mid, (y1 + y2) / 2 - 6
    if b.layer == a.layer:  # within the column: a bow in the gap to the right of the boxes
        x, y1, y2 = a.x + BOX_W, a.y + BOX_H / 2, b.y + BOX_H / 2
        bow = x + 45 + 12 * lane
        path = f"M{x},{y1} C{bow},{y1} {bow},{y2} {x},{y2}"
        return path, bow - 8, (y1 + y2) / 2 + 4
    # Backwards: arc below both boxes, further down for each lane.
    x1, y1 = a.x + BOX_W / 2 + 20, a.y + BOX_H
    x2, y2 = b.x + BOX_W / 2 - 20, b.y + BOX_H
    dip = max(y1, y2) + 36 + 18 * lane
    path = f"M{x1},{y1} C{x1},{dip} {x2},{dip} {x2},{y2}"
    return path, (x1 + x2) / 2, dip - 8


def render(log: EventLog, pmap: ProcessMap) -> SafeString:
    """The SVG of the process map (an empty note when the log has no event)."""
    nodes = layout(log, pmap)
    if not nodes:
        return mark_safe('<p class="fr-text--sm">Aucune demande dans ce périmètre.</p>')
    layers = max(n.layer for n in nodes.values()) + 1
    rows = max(n.row for n in nodes.values()) + 1
    width = MARGIN * 2 + layers * BOX_W + (layers - 1) * COL_GAP + 60
    backwards = sum(
        1 for e in pmap.edges.iter_rows(named=True)
        if e["source"] != e["target"] and e["source"] in nodes and e["target"] in nodes
        and nodes[e["target"]].layer <= nodes[e["source"]].layer
    )  # fmt: skip
    height = MARGIN * 2 + 20 + rows * (BOX_H + ROW_GAP) + 60 + 18 * backwards
    top = max(pmap.edges["count"].max() or 1, 1) if pmap.edges.height else 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="pm-title pm-desc" class="process-map" '
        'font-family="Marianne, Arial, sans-serif">',
        '<title id="pm-title">Carte du processus</title>',
        f'<desc id="pm-desc">{len(nodes)} activités et {pmap.edges.height} enchaînements ; '
        "le détail de chaque enchaînement est dans le tableau sous la carte.</desc>",
        '<defs><marker id="pm-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="12" '
        'markerHeight="12" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#3a3a8c"/></marker></defs>',
    ]
    lanes: dict[int, int] = {}
    labels = []
    for edge in pmap.edges.iter_rows(named=True):
        a, b = nodes.get(edge["source"]), nodes.get(edge["target"])
        if a is None or b is None:
            continue
        lane = 0
        if b.layer <= a.layer and a is not b:
            lane = lanes[b.layer] = lanes.get(b.layer, -1) + 1
        path, lx, ly = _edge_path(a, b, lane)
        stroke = 1.5 + 8 * edge["count"] / top
        text = f"{edge['count']} · médiane {duration_label(edge['median_seconds'])}"
        parts.append(
            f'<path class="pm-edge" d="{path}" fill="none" stroke="#6a6af4" stroke-opacity="0.75" '
            f'stroke-width="{stroke:.1f}" marker-end="url(#pm-arrow)"><title>'
            f"{html.escape(activity_label(a.activity))} → {html.escape(activity_label(b.activity))}"
            f" : {html.escape(text)}</title></path>"
        )
        labels.append(_text(lx, ly, text, font_size=12, text_anchor="middle", fill="#161616",
                            paint_order="stroke", stroke="white", stroke_width=4))  # fmt: skip
    for node in nodes.values():
        fill = "#e3e3fd" if node.starts else "#ffe9e6" if node.ends else "#f6f6f6"
        parts.append(
            f'<g class="pm-node"><rect x="{node.x}" y="{node.y}" width="{BOX_W}" height="{BOX_H}" '
            f'rx="6" fill="{fill}" stroke="#000091" stroke-width="1.5"/>'
        )
        for i, line in enumerate(_wrap(activity_label(node.activity))):
            parts.append(_text(node.x + 10, node.y + 19 + 16 * i, line, font_size=13,
                               font_weight="bold", fill="#161616"))  # fmt: skip
        marks = []
        if node.starts:
            marks.append(f"début : {node.starts}")
        if node.ends:
            marks.append(f"fin : {node.ends}")
        if marks:
            parts.append(_text(node.x + BOX_W - 8, node.y + BOX_H - 5, " · ".join(marks),
                               font_size=11, text_anchor="end", fill="#3a3a3a"))  # fmt: skip
        parts.append("</g>")
    parts.extend(labels)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above goes through html.escape
