"""What changed between two versions of a service, as a structure and in French (ADR 0027).

    changes = diff(version_1, version_2)
    for line in render_diff(changes): print(line)

Fields are matched by name, states by name, transitions by (from, to, role); a field that moved
is reported as changed (« position »). The workflow documents are compared spelled out (an
empty document is the default lifecycle).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from guichet.catalogue.models import ServiceVersion
from guichet.catalogue.versions import FIELD_LABELS, PAGE_FIELDS, content_of, workflow_rules


@dataclass(frozen=True)
class Change:
    attribute: str
    before: Any
    after: Any


@dataclass(frozen=True)
class ItemChange:
    key: str  # a field's or a state's name, a transition's "from → to (role)"
    label: str
    changes: tuple[Change, ...]


@dataclass
class VersionDiff:
    before: int
    after: int
    page: list[Change] = field(default_factory=list)
    fields_added: list[ItemChange] = field(default_factory=list)
    fields_removed: list[ItemChange] = field(default_factory=list)
    fields_changed: list[ItemChange] = field(default_factory=list)
    states_added: list[ItemChange] = field(default_factory=list)
    states_removed: list[ItemChange] = field(default_factory=list)
    states_changed: list[ItemChange] = field(default_factory=list)
    transitions_added: list[ItemChange] = field(default_factory=list)
    transitions_removed: list[ItemChange] = field(default_factory=list)
    transitions_changed: list[ItemChange] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(
            getattr(self, name)
            for name in self.__dataclass_fields__
            if name not in ("before", "after")
        )


def diff(version_a: ServiceVersion, version_b: ServiceVersion) -> VersionDiff:
    """What changed from `version_a` to `version_b` (of the same service, or not)."""
    a, b = content_of(version_a), content_of(version_b)
    result = VersionDiff(before=version_a.number, after=version_b.number)
    for name in (*PAGE_FIELDS, "channels", "sla_working_days"):
        if a.get(name) != b.get(name):
            result.page.append(Change(name, a.get(name), b.get(name)))
    added, removed, changed = _compare(
        _fields(a["form_definition"]), _fields(b["form_definition"]), _field_label
    )
    result.fields_added, result.fields_removed, result.fields_changed = added, removed, changed
    wa, wb = _expanded(a["workflow_definition"]), _expanded(b["workflow_definition"])
    added, removed, changed = _compare(_states(wa), _states(wb), lambda s: s.get("label", ""))
    result.states_added, result.states_removed, result.states_changed = added, removed, changed
    added, removed, changed = _compare(
        _transitions(wa), _transitions(wb), lambda t: t.get("action", "")
    )
    result.transitions_added, result.transitions_removed = added, removed
    result.transitions_changed = changed
    if wa.get("initial") != wb.get("initial"):
        result.states_changed.append(
            ItemChange(
                "", "état initial", (Change("initial", wa.get("initial"), wb.get("initial")),)
            )
        )
    return result


def _expanded(document: Any) -> dict[str, Any]:
    if workflow_rules.expand is not None:
        return workflow_rules.expand(document) or {}
    return document or {}


def _fields(form: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        item["name"]: item | {"position": index + 1}
        for index, item in enumerate(form)
        if isinstance(item, dict) and "name" in item
    }


def _field_label(item: dict[str, Any]) -> str:
    return str(item.get("label", item.get("name", "")))


def _states(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in document.get("states", []) if isinstance(s, dict) and "name" in s}


def _transitions(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for t in document.get("transitions", []):
        if isinstance(t, dict):
            key = f"{t.get('source')} → {t.get('target')} ({t.get('min_role', '')})"
            found.setdefault(key, t)
    return found


def _compare(
    before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]], label: Any
) -> tuple[list[ItemChange], list[ItemChange], list[ItemChange]]:
    added = [ItemChange(key, label(after[key]), ()) for key in after if key not in before]
    removed = [ItemChange(key, label(before[key]), ()) for key in before if key not in after]
    changed = []
    for key in after:
        if key not in before or before[key] == after[key]:
            continue
        attributes = sorted(set(before[key]) | set(after[key]))
        changes = tuple(
            Change(name, before[key].get(name), after[key].get(name))
            for name in attributes
            if before[key].get(name) != after[key].get(name)
        )
        changed.append(ItemChange(key, label(after[key]), changes))
    return added, removed, changed


# --- in French ----------------------------------------------------------------------------

ATTRIBUTE_LABELS = {
    "label": "libellé",
    "type": "type",
    "required": "obligatoire",
    "help_text": "aide",
    "show_if": "condition d'affichage",
    "choices": "choix",
    "position": "position",
    "pattern": "format attendu",
    "pattern_message": "message du format",
    "min_length": "longueur minimale",
    "max_length": "longueur maximale",
    "min_value": "valeur minimale",
    "max_value": "valeur maximale",
    "public_status": "statut public",
    "clock": "délai",
    "visible": "visible par l'usager",
    "action": "bouton",
    "comment_required": "commentaire obligatoire",
    "survey": "enquête de satisfaction",
    "min_role": "rôle",
    "initial": "état initial",
}


def _shown(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "(vide)"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return ", ".join(
            str(item.get("label", item)) if isinstance(item, dict) else str(item) for item in value
        )
    if isinstance(value, dict):
        return ", ".join(f"{k} = {_shown(v)}" for k, v in value.items())
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def _changes(item: ItemChange) -> str:
    return " ; ".join(
        f"{ATTRIBUTE_LABELS.get(c.attribute, c.attribute)} : {_shown(c.before)} → {_shown(c.after)}"
        for c in item.changes
    )


def render_diff(changes: VersionDiff) -> list[str]:
    """The diff as French sentences, one a line, page first, then form, then workflow."""
    lines = []
    for change in changes.page:
        label = FIELD_LABELS.get(change.attribute, change.attribute)
        lines.append(f"Page — {label} : {_shown(change.before)} → {_shown(change.after)}")
    lines += [f"Champ ajouté : « {i.label} » ({i.key})" for i in changes.fields_added]
    lines += [f"Champ supprimé : « {i.label} » ({i.key})" for i in changes.fields_removed]
    lines += [f"Champ modifié : « {i.label} » — {_changes(i)}" for i in changes.fields_changed]
    lines += [f"État ajouté : « {i.label} » ({i.key})" for i in changes.states_added]
    lines += [f"État supprimé : « {i.label} » ({i.key})" for i in changes.states_removed]
    lines += [f"État modifié : « {i.label} » — {_changes(i)}" for i in changes.states_changed]
    lines += [f"Transition ajoutée : « {i.label} » {i.key}" for i in changes.transitions_added]
    lines += [f"Transition supprimée : « {i.label} » {i.key}" for i in changes.transitions_removed]
    lines += [f"Transition modifiée : {i.key} — {_changes(i)}" for i in changes.transitions_changed]
    if not lines:
        lines.append(
            f"Aucune différence entre la version {changes.before} et la version {changes.after}."
        )
    return lines
