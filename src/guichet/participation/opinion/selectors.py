"""Reads of the opinion map: the groups of a consultation's participants, the map for pages.

Everything here reads what the background task stored (`OpinionMap`); nothing computes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from guichet.participation.models.consultations import Consultation
from guichet.participation.models.opinion import (
    GroupMembership,
    OpinionGroup,
    OpinionMap,
    Statement,
    Vote,
)


def groups(consultation: Consultation) -> dict[int, int]:
    """{person id: group number} from the last computed map ({} before the first one).
    People with too few votes to be placed are absent."""
    return dict(
        GroupMembership.objects.filter(group__map__consultation=consultation).values_list(
            "person_id", "group__number"
        )
    )


def last_map(consultation: Consultation) -> OpinionMap | None:
    return OpinionMap.objects.filter(consultation=consultation).first()


def visible_statements(consultation: Consultation):
    """Statements voters may see: accepted by pre-moderation and not hidden."""
    return Statement.objects.filter(
        consultation=consultation, awaiting_moderation=False, hidden_at__isnull=True
    )


def next_statement(consultation: Consultation, person) -> Statement | None:
    """The statement to show `person` now: one she has not voted on, the least-voted first
    (so new statements get seen), oldest among equals."""
    voted = Vote.objects.filter(consultation=consultation, person=person).values("statement_id")
    return (
        visible_statements(consultation)
        .exclude(pk__in=voted)
        .annotate(n=Count("votes"))
        .order_by("n", "created_at", "id")
        .first()
    )


def progress(consultation: Consultation, person) -> tuple[int, int]:
    """(statements she voted on, statements visible)."""
    total = visible_statements(consultation).count()
    if person is None:
        return 0, total
    done = Vote.objects.filter(
        Q(statement__hidden_at__isnull=True), consultation=consultation, person=person
    ).count()
    return done, total


@dataclass(frozen=True)
class StatementRow:
    statement: Statement
    consensus: float | None
    agree: int
    disagree: int
    passed: int
    groups: list[dict]  # per group: {"label", "agree_pct", "seen"}


@dataclass(frozen=True)
class MapView:
    map: OpinionMap | None
    groups: list[OpinionGroup]
    rows: list[StatementRow]  # by decreasing consensus


def map_view(consultation: Consultation) -> MapView:
    """What the results page shows: groups with their sizes, statements with consensus."""
    opinion_map = last_map(consultation)
    statements = {s.pk: s for s in Statement.objects.filter(consultation=consultation)}
    if opinion_map is None:
        return MapView(None, [], [])
    group_rows = list(opinion_map.groups.all())
    labels = [g.label for g in group_rows]
    rows = []
    for entry in opinion_map.statements:
        statement = statements.get(entry["statement"])
        if statement is None:
            continue
        per_group = entry.get("groups", [])
        rows.append(
            StatementRow(
                statement=statement,
                consensus=entry.get("consensus"),
                agree=sum(g["agree"] for g in per_group),
                disagree=sum(g["disagree"] for g in per_group),
                passed=sum(g["seen"] - g["agree"] - g["disagree"] for g in per_group),
                groups=[
                    {
                        "label": labels[i] if i < len(labels) else "",
                        "agree_pct": round(100 * g["agree"] / g["seen"]) if g["seen"] else None,
                        "seen": g["seen"],
                    }
                    for i, g in enumerate(per_group)
                ],
            )
        )
    rows.sort(key=lambda r: (-(r.consensus or 0), r.statement.pk))
    return MapView(opinion_map, group_rows, rows)
