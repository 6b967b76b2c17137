"""Duplicates on the agent's request page: the suspicion (« Doublon possible »), the merge into
a candidate or a typed reference, and undoing it (issue 16)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from guichet.authorities.access import authority_ids_for
from guichet.backoffice import selectors
from guichet.backoffice.views._common import Agent, agent_required
from guichet.backoffice.views.detail import detail_context
from guichet.cases import actions
from guichet.cases.access import access_request
from guichet.cases.duplicates import Candidate, candidates
from guichet.cases.models import Request
from guichet.core.plurals import ngettext

NOT_ALLOWED = "Votre rôle ne vous permet pas de fusionner ou de séparer cette demande."
REFERENCE_MAX = 40
REASON_MAX = 2000


@dataclass(frozen=True)
class Line:
    """A candidate as the agent reads it."""

    reference: str
    summary: str
    pk: int | None  # None when the agent may not open it (ADR 0017)
    distance: str  # « à 40 m », or "" when a place is unknown
    when: str  # « 2 jours avant »
    similarity: int  # per cent
    score: int  # per cent


@dataclass(frozen=True)
class Panel:
    may_merge: bool
    lines: list[Line] = field(default_factory=list)
    parent: Line | None = None  # the request this one is merged into
    children: list[Line] = field(default_factory=list)  # requests merged into this one


def distance_text(metres: float | None) -> str:
    """« à 40 m », « à 1,2 km » (rounded to 5 m under a kilometre)."""
    if metres is None:
        return ""
    if metres < 1000:
        return f"à {int(round(metres / 5) * 5)} m"
    return f"à {metres / 1000:.1f} km".replace(".", ",")


def apart_text(apart: timedelta) -> str:
    """« 2 jours avant », « 3 heures après », « quelques instants avant » (the candidate's
    reception, from the request looked at)."""
    seconds = abs(apart.total_seconds())
    side = "avant" if apart.total_seconds() < 0 else "après"
    for unit, singular, plural in (
        (86400, "%(n)d jour", "%(n)d jours"),
        (3600, "%(n)d heure", "%(n)d heures"),
        (60, "%(n)d minute", "%(n)d minutes"),
    ):
        if seconds >= unit:
            n = int(seconds // unit)
            return f"{ngettext(singular, plural, n) % {'n': n}} {side}"
    return f"quelques instants {side}"


def _line(request: Request, visible: set[int], candidate: Candidate | None = None) -> Line:
    shown = request.authority_id in visible
    return Line(
        reference=request.reference,
        summary=request.summary if shown else "",
        pk=request.pk if shown else None,
        distance=distance_text(candidate.distance_m) if candidate else "",
        when=apart_text(candidate.apart) if candidate else "",
        similarity=candidate.percent if candidate else 0,
        score=round(candidate.score * 100) if candidate else 0,
    )


def panel(user, case: Request) -> Panel:
    """What the request page shows about duplicates of `case` for `user`."""
    visible = authority_ids_for(user)
    may_merge = Agent(user, case).can("handle_request")
    if case.duplicate_of_id is not None:
        parent = Request.objects.only("reference", "summary", "authority_id").get(
            pk=case.duplicate_of_id
        )
        return Panel(may_merge=may_merge, parent=_line(parent, visible))
    children = [
        _line(child, visible)
        for child in Request.objects.filter(duplicate_of_id=case.pk).order_by("received_at", "pk")
    ]
    lines = []
    if case.is_open and not children and not case.is_test:
        lines = [_line(c.request, visible, c) for c in candidates(case)]
    return Panel(may_merge=may_merge, lines=lines, children=children)


def _again(http, case: Request, error: str, status: int):
    return render(
        http, "backoffice/request.html", detail_context(http, case, error=error), status=status
    )


@require_POST
@agent_required
def merge(http, pk: int):
    """Merge this request into a candidate (`parent`, its id) or a typed `reference`; or,
    with `child` (a candidate's id), that candidate into this request."""
    case = access_request(http.user, pk)
    agent = Agent(http.user, case)
    if not agent.can("handle_request"):
        return _again(http, case, NOT_ALLOWED, 403)
    if "child" in http.POST:
        child, parent = _other(http, "child"), case
    else:
        child, parent = case, _other(http, "parent")
    if child is None or parent is None:
        return _again(
            http, case, "Aucune demande de vos collectivités ne porte cette référence.", 409
        )
    note = http.POST.get("note", "").replace("\x00", "")[:REASON_MAX]
    try:
        actions.merge_request(child=child, parent=parent, actor=agent.actor, note=note)
    except actions.MergeRefused as refused:
        return _again(http, case, str(refused), 409)
    messages.success(
        http,
        f"La demande {child.reference} a été fusionnée dans {parent.reference} : son usager "
        "suivra le traitement de celle-ci.",
    )
    return redirect("backoffice:request", pk=case.pk)


def _other(http, name: str) -> Request | None:
    """The other request of a merge: by its id in `name`, else by a typed `reference`."""
    raw = http.POST.get(name, "")
    if raw.isascii() and raw.isdigit() and len(raw) < 19:
        try:
            return access_request(http.user, int(raw))
        except Http404:
            return None
    if name == "child":
        return None
    reference = http.POST.get("reference", "")
    if not reference.strip() or len(reference) > REFERENCE_MAX or "\x00" in reference:
        return None
    return selectors.request_by_reference(http.user, reference)


@require_POST
@agent_required
def unmerge(http, pk: int):
    """Handle this merged request on its own again (a reason is required)."""
    case = access_request(http.user, pk)
    agent = Agent(http.user, case)
    if not agent.can("handle_request"):
        return _again(http, case, NOT_ALLOWED, 403)
    reason = http.POST.get("reason", "").replace("\x00", "")[:REASON_MAX]
    try:
        actions.unmerge_request(child=case, actor=agent.actor, reason=reason)
    except actions.MergeRefused as refused:
        return _again(http, case, str(refused), 409)
    messages.success(http, f"La demande {case.reference} est de nouveau traitée séparément.")
    return redirect("backoffice:request", pk=case.pk)
