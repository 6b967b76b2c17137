"""The process map drawn by Graphviz (`dot`, left to right), as inline SVG for the dashboard.

The map is the simplified one of `journeys.engine.simplify` (the activities and paths the
manager's sliders keep). Nodes carry their number of events, edges their number of passages;
a darker fill and a thicker line mean more. Graphviz lays it out on the server; its SVG is
then parsed and rebuilt from an allow-list of elements and attributes (no script, no link, no
`style` attribute: the strict CSP forbids inline styles), every title rewritten in French.
Labels come from data (an external log's activity names): they reach `dot` escaped, never as
HTML-like labels, and come back as XML text.
"""

from __future__ import annotations

import logging
import subprocess  # noqa: S404 — runs Graphviz's dot on a source we built, with a timeout
import textwrap
import xml.etree.ElementTree as ET  # noqa: S405 — builds and writes only; parsing is defusedxml's
from dataclasses import dataclass

import graphviz
from defusedxml.ElementTree import fromstring
from django.utils.safestring import SafeString, mark_safe

from guichet.cases.workflow import DEFAULT_STATES, InvalidWorkflowDefinition, Workflow
from guichet.catalogue.models import ServiceVersion, WorkflowDefinition
from guichet.core import refcache
from guichet.core.event_labels import event_label, is_system_kind
from guichet.core.plurals import ngettext
from guichet.journeys.engine.simplify import END, START, SimplifiedMap

logger = logging.getLogger(__name__)

STATE_LABELS = {state.name: state.label for state in DEFAULT_STATES}
# A map of a large log lays out in well under a second; past this, dot has gone astray.
DOT_TIMEOUT_SECONDS = 20
FONT = "Arial"
# Node fill, least to most frequent: light enough everywhere for the dark text (contrast > 6).
LIGHT, DARK = (0xF5, 0xF5, 0xFE), (0x8A, 0x8A, 0xF0)
EDGE_LIGHT, EDGE_DARK = (0xA0, 0xA0, 0xF0), (0x00, 0x00, 0x91)
ENDS = {START: "Début", END: "Fin"}

ELEMENTS = {"svg", "g", "title", "path", "polygon", "polyline", "ellipse", "text"}
ATTRIBUTES = {
    "id", "class", "d", "points", "fill", "stroke", "stroke-width", "stroke-dasharray",
    "transform", "x", "y", "cx", "cy", "rx", "ry", "text-anchor", "font-family", "font-size",
    "font-weight", "viewBox", "width", "height",
}  # fmt: skip


def activity_label(activity: str) -> str:
    """French name of a journal activity: "État : en cours de traitement", "Relance de l'usager"."""
    if activity in ENDS:
        return ENDS[activity]
    kind, _, state = activity.partition(":")
    if state and kind == "request.status_changed":
        return f"État : {STATE_LABELS.get(state) or state_labels().get(state, state)}"
    return event_label(activity if not state else kind)


def state_labels() -> dict[str, str]:
    """The French label of every state: the default lifecycle's and the services' own circuits'
    (a state a custom circuit adds, such as "instruction_technique", reads as its label)."""

    def load() -> dict[str, str]:
        labels = dict(STATE_LABELS)
        documents = list(WorkflowDefinition.objects.values_list("slug", "definition"))
        # and the workflows of the services' published versions (ADR 0027), newest first
        documents += [
            (f"version-{pk}", document)
            for pk, document in ServiceVersion.objects.exclude(status=ServiceVersion.Status.DRAFT)
            .order_by("-pk")
            .values_list("pk", "workflow_definition")
            if document
        ]
        for slug, document in documents:
            try:
                workflow = Workflow.from_definition(slug, document)
            except InvalidWorkflowDefinition:
                continue
            for state in workflow.states:
                labels.setdefault(state.name, state.label)
        return labels

    return refcache.get(("process-map", "state-labels"), load)


def is_system_activity(activity: str) -> bool:
    """Whether an activity is something the platform did on its own (a notification…)."""
    return is_system_kind(activity.partition(":")[0])


def duration_label(seconds: float | None) -> str:
    """A gap the way a manager reads it: "3,5 h", "2,1 j"."""
    if seconds is None:
        return "—"
    hours = seconds / 3600
    if hours < 48:
        return f"{hours:.1f} h".replace(".", ",")
    return f"{hours / 24:.1f} j".replace(".", ",")


def number(n: int) -> str:
    """1234 → "1 234" (a no-break space, as French writes thousands)."""
    return f"{n:,}".replace(",", "\u00a0")


def events_text(n: int) -> str:
    return ngettext("%(n)s événement", "%(n)s événements", n) % {"n": number(n)}


def cases_text(n: int) -> str:
    return ngettext("%(n)s demande", "%(n)s demandes", n) % {"n": number(n)}


def passages_text(n: int) -> str:
    return ngettext("%(n)s passage", "%(n)s passages", n) % {"n": number(n)}


def _shade(low: tuple[int, ...], high: tuple[int, ...], ratio: float) -> str:
    ratio = min(max(ratio, 0.0), 1.0)
    return "#" + "".join(
        f"{round(a + (b - a) * ratio):02x}" for a, b in zip(low, high, strict=True)
    )


def _label(*lines: str) -> str:
    """A dot label from plain text lines: backslashes escaped, never read as HTML."""
    return graphviz.nohtml("\\n".join(graphviz.escape(line) for line in lines))


@dataclass(frozen=True)
class Drawing:
    """The dot graph and, per SVG id, the French title each node or edge gets."""

    graph: graphviz.Digraph
    titles: dict[str, str]
    ends: frozenset[str]  # the ids of the edges from a case's start or to its end


def drawing(smap: SimplifiedMap) -> Drawing:
    """The Graphviz graph of the kept activities and paths (ids pm-n<i>, pm-e<i>)."""
    graph = graphviz.Digraph(
        "processus",
        graph_attr={"rankdir": "LR", "nodesep": "0.3", "ranksep": "0.5", "bgcolor": "transparent",
                    "fontname": FONT, "pad": "0.1"},
        node_attr={"shape": "box", "style": "rounded,filled", "fontname": FONT, "fontsize": "11",
                   "penwidth": "1", "color": "#000091", "margin": "0.12,0.06"},
        edge_attr={"fontname": FONT, "fontsize": "10", "arrowsize": "0.7"},
    )  # fmt: skip
    titles: dict[str, str] = {}
    names: dict[str, str] = {}
    ends: set[str] = set()
    activities = smap.activities.filter("kept")
    top = max(activities["count"].max() or 1, 1) if activities.height else 1  # type: ignore[arg-type]
    edges = smap.kept_edges
    for end in (START, END):
        if (edges["source"] == end).any() or (edges["target"] == end).any():
            name = names[end] = f"pm-n{len(names)}"
            graph.node(name, _label(ENDS[end]), id=name, shape="oval", fillcolor="#ffffff",
                       color="#3a3a3a", style="filled,dashed", fontsize="10")  # fmt: skip
            titles[name] = "Début des demandes" if end == START else "Fin des demandes"
    for row in activities.iter_rows(named=True):
        name = names[row["activity"]] = f"pm-n{len(names)}"
        label = activity_label(row["activity"])
        ratio = row["count"] / top
        graph.node(
            name, _label(*textwrap.wrap(label, 24, max_lines=3, placeholder=" …"),
                         number(row["count"])),
            id=name, fillcolor=_shade(LIGHT, DARK, ratio),
            fontcolor="#161616", penwidth=f"{1 + 1.5 * ratio:.1f}",
        )  # fmt: skip
        titles[name] = f"{label} : {events_text(row['count'])}, {cases_text(row['cases'])}"
    top_edge = max(edges["count"].max() or 1, 1) if edges.height else 1  # type: ignore[arg-type]
    for i, edge in enumerate(edges.iter_rows(named=True)):
        source, target = names.get(edge["source"]), names.get(edge["target"])
        if source is None or target is None:
            continue
        ratio = edge["count"] / top_edge
        pseudo = edge["source"] == START or edge["target"] == END
        name = f"pm-e{i}"
        if pseudo:
            ends.add(name)
        graph.edge(
            source, target, _label(number(edge["count"])), id=name,
            penwidth=f"{1 + (1.5 if pseudo else 5) * ratio:.1f}", style="dashed" if pseudo else "solid",
            color="#929292" if pseudo else _shade(EDGE_LIGHT, EDGE_DARK, ratio),
        )  # fmt: skip
        median = "" if pseudo else f" · médiane {duration_label(edge['median_seconds'])}"
        titles[name] = (
            f"{activity_label(edge['source'])} → {activity_label(edge['target'])} : "
            f"{passages_text(edge['count'])}{median}"
        )
    return Drawing(graph=graph, titles=titles, ends=frozenset(ends))


class LayoutUnavailable(RuntimeError):
    """Graphviz's `dot` is missing or failed."""


def layout_svg(draw: Drawing) -> str:
    """dot's SVG of the drawing (raises LayoutUnavailable when dot cannot run)."""
    try:
        done = subprocess.run(  # noqa: S603 — a fixed command; the graph goes in on stdin
            ["dot", "-Tsvg"],  # noqa: S607 — Graphviz from the system's PATH
            input=draw.graph.source.encode(),
            capture_output=True,
            timeout=DOT_TIMEOUT_SECONDS,
            check=True,
        )
    except FileNotFoundError as error:
        raise LayoutUnavailable("Graphviz's dot is not installed") from error
    except subprocess.TimeoutExpired as error:
        raise LayoutUnavailable(f"dot took more than {DOT_TIMEOUT_SECONDS} s") from error
    except subprocess.CalledProcessError as error:
        raise LayoutUnavailable(error.stderr.decode(errors="replace")[-500:]) from error
    return done.stdout.decode()


def clean_svg(
    svg: str, titles: dict[str, str], *, description: str, ends: frozenset[str] = frozenset()
) -> str:
    """dot's SVG rebuilt from the allow-list, with French titles and the accessible frame;
    `ends` are the ids of the edges from a case's start or to its end."""
    root = fromstring(svg[svg.index("<svg") :])
    _strip(root)
    root.attrib.update(
        {"role": "img", "aria-labelledby": "pm-title pm-desc", "class": "process-map"}
    )
    title, desc = ET.Element("title", id="pm-title"), ET.Element("desc", id="pm-desc")
    title.text, desc.text = "Carte du processus", description
    root.insert(0, desc)
    root.insert(0, title)
    for group in root.iter("g"):
        ident = group.get("id", "")
        for child in list(group):
            if child.tag == "title":
                if ident in titles:
                    child.text = titles[ident]
                else:
                    group.remove(child)
        if ident.startswith("pm-n"):
            group.set("class", "pm-node")
        elif ident.startswith("pm-e"):
            group.set("class", "pm-link")
            for path in group.iter("path"):  # a case's start or end: not a path between two
                path.set("class", "pm-edge-end" if ident in ends else "pm-edge")
        else:
            group.attrib.pop("class", None)
            group.attrib.pop("id", None)
    return ET.tostring(root, encoding="unicode", short_empty_elements=True)


def _strip(element: ET.Element) -> None:
    """Namespaces off; elements and attributes outside the allow-lists removed."""
    element.tag = element.tag.rpartition("}")[2]
    for key in list(element.attrib):
        if key.rpartition("}")[2] not in ATTRIBUTES or key.startswith("{"):
            del element.attrib[key]
    for child in list(element):
        if child.tag.rpartition("}")[2] not in ELEMENTS:
            element.remove(child)
        else:
            _strip(child)


def render(smap: SimplifiedMap) -> SafeString:
    """The process map's SVG, or a French note when there is nothing to draw or no Graphviz."""
    if not smap.kept_activities:
        return mark_safe('<p class="fr-text--sm">Aucune demande dans ce périmètre.</p>')
    draw = drawing(smap)
    kept_edges = int((~smap.kept_edges["source"].is_in([START]) &
                      ~smap.kept_edges["target"].is_in([END])).sum())  # fmt: skip
    activities = len(smap.kept_activities)
    description = (
        ngettext("%(n)s activité", "%(n)s activités", activities) % {"n": activities}
        + " et "
        + ngettext("%(n)s enchaînement affiché", "%(n)s enchaînements affichés", kept_edges)
        % {"n": kept_edges}
        + " ; le détail est dans les tableaux à côté de la carte."
    )
    try:
        svg = layout_svg(draw)
    except LayoutUnavailable:
        logger.exception("process map: Graphviz's dot failed")
        return mark_safe(
            '<p class="fr-text--sm">La carte ne peut pas être dessinée : Graphviz (dot) est '
            "absent, en erreur ou trop lent sur le serveur. Les tableaux ci-dessous donnent les mêmes "
            "chiffres.</p>"
        )
    return mark_safe(clean_svg(svg, draw.titles, description=description, ends=draw.ends))  # noqa: S308 — rebuilt by ElementTree from an allow-list, every text escaped
