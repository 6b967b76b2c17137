"""Public reads of participation for the REST API: plain dicts, hidden content already replaced.

Every text a moderator hid is replaced by the moderation notice here, once, so no route can
leak it (ADR 0041: "everywhere: portal, API, exports"). No author is named: the API publishes
contributions, not who made them. Nothing here writes.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Prefetch, QuerySet

from guichet.core import clock
from guichet.participation import eligibility, moderation, phases
from guichet.participation.models.consultations import Consultation, Phase
from guichet.participation.models.ideas import Comment, Idea
from guichet.participation.models.opinion import Statement
from guichet.participation.models.petitions import Obligation, Petition
from guichet.participation.opinion import selectors as opinion
from guichet.participation.selectors import petitions as petition_reads
from guichet.participation.selectors.consultations import published
from guichet.participation.selectors.ideas import VISIBLE, genealogy, threads


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _hidden(contribution) -> dict:
    return {
        "hidden": contribution.is_hidden,
        "moderation_notice": moderation.shown(contribution) if contribution.is_hidden else None,
    }


def _phase(phase: Phase | None, moment: datetime) -> dict | None:
    if phase is None:
        return None
    if phase.ends_at <= moment:
        state = "past"
    elif phase.starts_at <= moment:
        state = "current"
    else:
        state = "future"
    return {
        "kind": phase.kind, "label": phase.get_kind_display(), "state": state,
        "starts_at": _iso(phase.starts_at), "ends_at": _iso(phase.ends_at),
        "description": phase.description,
        "open_actions": phases.actions_of(phase.kind, phase.open_actions),
    }  # fmt: skip


def consultations(*, authority: str = "", state: str = "") -> list[dict]:
    """Published consultations, newest first, with the phase open now."""
    rows: QuerySet[Consultation] = published().prefetch_related(
        Prefetch("phases", queryset=Phase.objects.order_by("starts_at", "pk"))
    )
    if authority:
        rows = rows.filter(authority__slug=authority)
    moment = clock.now()
    out = []
    for consultation in rows.order_by("-created_at", "-pk")[:500]:
        summary = consultation_summary(consultation, moment)
        if state and summary["state"] != state:
            continue
        out.append(summary)
    return out


def _state(steps: list[Phase], moment: datetime) -> str:
    if any(p.starts_at <= moment < p.ends_at for p in steps):
        return "open"
    if any(p.starts_at > moment for p in steps):
        return "upcoming"
    return "closed" if steps else "upcoming"


def consultation_summary(consultation: Consultation, moment: datetime) -> dict:
    steps = list(consultation.phases.all())
    current = next((p for p in steps if p.starts_at <= moment < p.ends_at), None)
    return {
        "id": consultation.pk, "slug": consultation.slug, "title": consultation.title,
        "authority": consultation.authority.slug, "authority_name": consultation.authority.name,
        "scope": consultation.scope, "scope_label": eligibility.scope_label(consultation),
        "state": _state(steps, moment), "current_phase": _phase(current, moment),
    }  # fmt: skip


def consultation_by_id(pk: int) -> Consultation | None:
    return (
        published()
        .prefetch_related(Prefetch("phases", queryset=Phase.objects.order_by("starts_at", "pk")))
        .filter(pk=pk)
        .first()
    )


def consultation_detail(consultation: Consultation) -> dict:
    moment = clock.now()
    return {
        **consultation_summary(consultation, moment),
        "description": consultation.description,
        "categories": list(consultation.categories or []),
        "premoderation": consultation.premoderation,
        "phases": [_phase(p, moment) for p in consultation.phases.all()],
        "documents": [
            {"title": d.title, "url": d.url or (d.file.url if d.file else "")}
            for d in consultation.documents.all()
        ],
    }


def public_idea(pk: int) -> Idea | None:
    """An idea anyone may read: its consultation published, not pending nor refused."""
    return (
        Idea.objects.filter(pk=pk, state__in=VISIBLE, consultation__published=True)
        .select_related("consultation__authority", "merged_into")
        .first()
    )


def _link(idea: Idea, kind: str) -> dict:
    return {"idea": idea.pk, "kind": kind,
            "title": moderation.shown(idea, "title") if idea.is_hidden else idea.title}  # fmt: skip


def idea_out(idea: Idea, *, with_genealogy: bool = True) -> dict:
    hidden = idea.is_hidden
    out = {
        "id": idea.pk, "consultation": idea.consultation_id,
        "title": moderation.HIDDEN_NOTICE if hidden else idea.title,
        "text": moderation.shown(idea), "category": "" if hidden else idea.category,
        "latitude": None if hidden else idea.latitude,
        "longitude": None if hidden else idea.longitude,
        "state": idea.state, "state_label": idea.get_state_display(),
        "answer": idea.answer, "answer_label": idea.get_answer_display() if idea.answer else "",
        "supports_count": idea.supports_count, "created_at": _iso(idea.created_at),
        **_hidden(idea),
    }  # fmt: skip
    if with_genealogy:
        family = genealogy(idea)
        out["came_from"] = [_link(link.parent, link.kind) for link in family.came_from]
        out["became"] = [_link(link.child, link.kind) for link in family.became]
        out["merged_into"] = idea.merged_into_id
    return out


def ideas_of(consultation: Consultation) -> list[dict]:
    """Every readable idea of the consultation, most supported first, with its genealogy."""
    rows = (
        Idea.objects.filter(consultation=consultation, state__in=VISIBLE)
        .prefetch_related("parent_links__parent", "child_links__child")
        .order_by("-supports_count", "pk")
    )
    out = []
    for idea in rows[:1000]:
        item = idea_out(idea, with_genealogy=False)
        item["came_from"] = [_link(lk.parent, lk.kind) for lk in idea.parent_links.all()]
        item["became"] = [
            _link(lk.child, lk.kind) for lk in idea.child_links.all() if lk.child.state in VISIBLE
        ]
        item["merged_into"] = idea.merged_into_id
        out.append(item)
    return out


def _comment(comment: Comment) -> dict:
    return {"id": comment.pk, "parent": comment.parent_id, "text": moderation.shown(comment),
            "created_at": _iso(comment.created_at), **_hidden(comment)}  # fmt: skip


def idea_detail(idea: Idea) -> dict:
    comments = []
    for top, replies in threads(idea):
        comments.append(_comment(top))
        comments.extend(_comment(reply) for reply in replies)
    return {**idea_out(idea), "comments": comments}


def statements_of(consultation: Consultation) -> dict:
    """Statements (not awaiting moderation) with their consensus, and the opinion groups."""
    view = opinion.map_view(consultation)
    by_statement = {row.statement.pk: row for row in view.rows}
    statements = []
    rows = Statement.objects.filter(consultation=consultation, awaiting_moderation=False)
    for statement in rows.order_by("created_at", "pk"):
        row = by_statement.get(statement.pk)
        statements.append({
            "id": statement.pk, "text": moderation.shown(statement),
            "consensus": row.consensus if row else None,
            "agree": row.agree if row else None, "disagree": row.disagree if row else None,
            "passed": row.passed if row else None, **_hidden(statement),
        })  # fmt: skip
    statements.sort(key=lambda s: (-(s["consensus"] or 0), s["id"]))
    opinion_map = view.map
    return {
        "computed_at": _iso(opinion_map.computed_at) if opinion_map else None,
        "participants": opinion_map.participants if opinion_map else 0,
        "groups": [
            {
                "label": g.label,
                "size": g.size,
                "representatives": [r.get("statement") for r in g.representatives],
            }
            for g in view.groups
        ],  # fmt: skip
        "statements": statements,
    }


def statement_by_id(pk: int) -> Statement | None:
    return (
        Statement.objects.filter(pk=pk, consultation__published=True)
        .select_related("consultation__authority")
        .first()
    )


def _obligation(obligation: Obligation | None) -> dict | None:
    if obligation is None:
        return None
    return {
        "duty": obligation.duty, "duty_label": obligation.get_duty_display(),
        "due_at": _iso(obligation.due_at),
        "meeting_date": obligation.meeting_date.isoformat() if obligation.meeting_date else None,
        "answered_at": _iso(obligation.answered_at), "late": obligation.is_late,
        "answer": obligation.answer,
    }  # fmt: skip


def petition_out(petition: Petition) -> dict:
    hidden = petition.is_hidden
    try:
        obligation = petition.obligation
    except Obligation.DoesNotExist:
        obligation = None
    return {
        "id": petition.pk, "authority": petition.authority.slug,
        "authority_name": petition.authority.name,
        "title": moderation.HIDDEN_NOTICE if hidden else petition.title,
        "text": moderation.shown(petition), "status": petition.status,
        "status_label": petition.get_status_display(),
        "opens_at": _iso(petition.opens_at), "closes_at": _iso(petition.closes_at),
        "signature_count": petition.signature_count, "threshold": petition.threshold,
        "progress": petition.progress, "obligation": _obligation(obligation), **_hidden(petition),
    }  # fmt: skip


def petitions(*, authority: str = "") -> list[dict]:
    rows = petition_reads.public_petitions()
    if authority:
        rows = rows.filter(authority__slug=authority)
    return [petition_out(p) for p in rows[:1000]]


def public_petition(pk: int) -> Petition | None:
    return petition_reads.public_petitions().filter(pk=pk).first()


def obligations() -> list[dict]:
    out = []
    for obligation in petition_reads.public_obligations():
        petition = obligation.petition
        out.append({
            "petition": petition.pk,
            "petition_title": moderation.HIDDEN_NOTICE if petition.is_hidden else petition.title,
            "authority": obligation.authority.slug, "authority_name": obligation.authority.name,
            **_obligation(obligation),
        })  # fmt: skip
    return out
