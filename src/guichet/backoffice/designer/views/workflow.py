"""The workflow designer: the draft's states and transitions as two editable tables, saved
through `save_draft` (the publication checks' French errors next to the faulty state), and the
state diagram drawn by Graphviz on the server (backoffice/process_graph.py's way)."""

from __future__ import annotations

import logging
import textwrap
from typing import Any

import graphviz
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods

from guichet.backoffice import process_graph
from guichet.backoffice.designer import selectors
from guichet.backoffice.designer.views._common import designer_required, service_page
from guichet.catalogue.versions import DraftError, StaleDraft, save_draft
from guichet.core.journal import Actor
from guichet.core.plurals import ngettext

logger = logging.getLogger(__name__)

PUBLIC_STATUSES = (
    ("ongoing", "en cours"),
    ("action_needed", "action attendue de l'usager"),
    ("done", "terminée"),
    ("cancelled", "annulée"),
)
CLOCKS = (
    ("running", "le délai court"),
    ("paused", "le délai est suspendu (attente de l'usager)"),
    ("stopped", "le délai est arrêté"),
)
ROLES = (
    ("front_desk", "agent d'accueil"),
    ("case_handler", "instructeur"),
    ("manager", "responsable"),
    ("administrator", "administrateur"),
    ("person", "l'usager"),
    ("system", "automatique (système)"),
)
BLANK_ROWS = 1  # blank rows under the table; « Ajouter un état / une transition » adds one
MAX_ROWS = 200
ADD = {"etat": "states", "transition": "transitions"}  # the add buttons' values


def _document(version) -> dict[str, Any]:
    return dict(version.workflow_definition or {}) if version is not None else {}


@designer_required
@require_http_methods(["GET", "POST"])
def workflow(request, pk):
    service, authority = selectors.owned_service(request.user, pk)
    draft = selectors.draft_of(service)
    document = _document(draft or service.current_version)
    errors: dict[str, list[str]] = {}
    status = 200
    blank = {"states": BLANK_ROWS, "transitions": BLANK_ROWS}
    added = ""
    if request.method == "POST":
        document = read_document(request.POST)
        added = ADD.get(request.POST.get("ajouter", ""), "")
        if added:  # a round trip that saves nothing: the rows typed, one more blank row
            for key in blank:
                blank[key] = min(max(_int(request.POST.get(f"blank_{key}")), 0), MAX_ROWS)
            blank[added] = min(blank[added] + 1, MAX_ROWS)
        elif draft is None:
            errors, status = {"": ["Ouvrez d'abord un brouillon pour modifier le circuit."]}, 409
        else:
            try:
                save_draft(
                    draft=draft, by=Actor.agent(request.user),
                    changes={"workflow_definition": document},
                    revision=_int(request.POST.get("revision")),
                )  # fmt: skip
            except StaleDraft as stale:
                errors, status = {"": stale.errors["__all__"]}, 409
            except DraftError as error:
                errors, status = _by_state(error.errors), 400
            else:
                messages.success(request, "Circuit enregistré.")
                return redirect("backoffice:designer:workflow", pk=service.pk)
    states = list(document.get("states") or [])
    state_rows = [
        {"index": i, "state": s, "errors": errors.get(str(s.get("name", "")), [])}
        for i, s in enumerate([*states, *({} for _ in range(blank["states"]))])
    ]
    transitions = list(document.get("transitions") or [])
    return service_page(
        request, "workflow.html", service, authority, "workflow", draft=draft, status=status,
        state_rows=state_rows,
        transition_rows=[*transitions, *({} for _ in range(blank["transitions"]))],
        blank=blank, added=added, focus=_last_row(added, states, transitions, blank),
        initial=document.get("initial") or (states[0].get("name") if states else ""),
        general=[m for key, ms in errors.items() if key not in {str(s.get("name")) for s in
                                                                 states} for m in ms],
        state_names=[(s.get("name"), s.get("label") or s.get("name")) for s in states
                     if s.get("name")],
        public_statuses=PUBLIC_STATUSES, clocks=CLOCKS, roles=ROLES,
        diagram=diagram(document), title=f"Circuit — {service.name}",
    )  # fmt: skip


def _last_row(added: str, states: list, transitions: list, blank: dict[str, int]) -> int | None:
    """The index of the row just added (its first input takes the focus), None without."""
    if not added:
        return None
    filled = len(states) if added == "states" else len(transitions)
    return filled + blank[added] - 1


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _by_state(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """`workflow_definition.<state>` → <state>; the workflow's own problems under ""."""
    shown: dict[str, list[str]] = {}
    for key, items in errors.items():
        base, _, state = key.partition(".")
        target = state if base == "workflow_definition" else ""
        shown.setdefault(target, []).extend(items)
    return shown


def read_document(post) -> dict[str, Any]:
    """The workflow document the two tables posted: rows left empty or marked for removal
    dropped, names and labels trimmed."""
    states = []
    for i in range(min(_int(post.get("states")), MAX_ROWS)):
        name = (post.get(f"s{i}-name") or "").strip()
        if not name or post.get(f"s{i}-remove"):
            continue
        states.append({
            "name": name,
            "label": (post.get(f"s{i}-label") or "").strip() or name,
            "public_status": post.get(f"s{i}-public_status") or "ongoing",
            "visible": bool(post.get(f"s{i}-visible")),
            "clock": post.get(f"s{i}-clock") or "running",
        })  # fmt: skip
    transitions = []
    for i in range(min(_int(post.get("transitions")), MAX_ROWS)):
        source, target = post.get(f"t{i}-source") or "", post.get(f"t{i}-target") or ""
        if not (source and target) or post.get(f"t{i}-remove"):
            continue
        transitions.append({
            "source": source,
            "target": target,
            "action": (post.get(f"t{i}-action") or "").strip() or "Passer",
            "min_role": post.get(f"t{i}-min_role") or "",
            "comment_required": bool(post.get(f"t{i}-comment_required")),
        } | ({"survey": True} if post.get(f"t{i}-survey") else {}))  # fmt: skip
    initial = post.get("initial") or (states[0]["name"] if states else "")
    return {"initial": initial, "states": states, "transitions": transitions}


def diagram(document: dict[str, Any]) -> SafeString:
    """The state diagram as inline SVG (Graphviz's dot, cleaned by the process map's
    allow-list), or a French note when there is nothing to draw or no Graphviz."""
    states = [s for s in document.get("states") or [] if isinstance(s, dict) and s.get("name")]
    if not states:
        return mark_safe('<p class="fr-text--sm">Aucun état à dessiner.</p>')
    graph = graphviz.Digraph(
        "circuit",
        graph_attr={"rankdir": "LR", "bgcolor": "transparent", "fontname": process_graph.FONT,
                    "nodesep": "0.3", "ranksep": "0.5", "pad": "0.1"},
        node_attr={"shape": "box", "style": "rounded,filled", "fontname": process_graph.FONT,
                   "fontsize": "11", "color": "#000091", "fillcolor": "#e3e3fd",
                   "fontcolor": "#161616"},
        edge_attr={"fontname": process_graph.FONT, "fontsize": "9", "arrowsize": "0.7"},
    )  # fmt: skip
    ids: dict[str, str] = {}
    titles: dict[str, str] = {}
    initial = document.get("initial")
    for state in states:
        name = ids[str(state["name"])] = f"pm-n{len(ids)}"
        label = str(state.get("label") or state["name"])
        final = state.get("public_status") in ("done", "cancelled")
        graph.node(
            name, process_graph._label(*textwrap.wrap(label, 22, max_lines=3, placeholder=" …")),
            id=name, peripheries="2" if final else "1",
            penwidth="2.5" if state["name"] == initial else "1",
        )  # fmt: skip
        kind = " (état initial)" if state["name"] == initial else (" (état final)" if final else "")
        titles[name] = f"{label}{kind}"
    roles = dict(ROLES)
    for i, transition in enumerate(document.get("transitions") or []):
        source, target = (
            ids.get(str(transition.get("source"))),
            ids.get(str(transition.get("target"))),
        )
        if source is None or target is None:
            continue
        name = f"pm-e{i}"
        action = str(transition.get("action") or "")
        graph.edge(source, target, process_graph._label(textwrap.shorten(action, 28)), id=name)
        role = roles.get(str(transition.get("min_role")), str(transition.get("min_role")))
        titles[name] = f"{action} : {role}"
    draw = process_graph.Drawing(graph=graph, titles=titles, ends=frozenset())
    edges = len(titles) - len(states)
    description = (
        ngettext("%(n)s état", "%(n)s états", len(states)) % {"n": len(states)}
        + " et "
        + ngettext("%(n)s transition", "%(n)s transitions", edges) % {"n": edges}
        + " ; le détail est dans les tableaux ci-dessous."
    )
    try:
        svg = process_graph.layout_svg(draw)
    except process_graph.LayoutUnavailable:
        logger.exception("workflow diagram: Graphviz's dot failed")
        return mark_safe(
            '<p class="fr-text--sm">Le schéma ne peut pas être dessiné : Graphviz (dot) est '
            "absent ou en erreur sur le serveur. Les tableaux ci-dessous décrivent le circuit.</p>"
        )
    cleaned = process_graph.clean_svg(svg, titles, description=description)
    cleaned = cleaned.replace(">Carte du processus<", ">Schéma du circuit de traitement<", 1)
    return mark_safe(cleaned)  # noqa: S308 — rebuilt by ElementTree from an allow-list
