"""The briefings' pages: one's remits with their briefings, one briefing (no person shown)."""

from __future__ import annotations

from django.shortcuts import render

from guichet.backoffice.views._common import agent_required
from guichet.contracts.briefings.access import access_briefing, may_read_briefings, remits_for
from guichet.contracts.models import Briefing

RECENT = 6


def _reader(user) -> bool:
    """An elected official (their own briefings) or a manager (all of their authority's)."""
    return may_read_briefings(user)


def _list(request):
    remits = list(remits_for(request.user))
    latest: dict[int, list[Briefing]] = {}
    for briefing in Briefing.objects.filter(remit__in=remits).order_by("-composed_at", "-pk"):
        latest.setdefault(briefing.remit_id, []).append(briefing)
    rows = [(remit, latest.get(remit.pk, [])[:RECENT]) for remit in remits]
    return render(request, "backoffice/steering/briefings.html",
                  {"title": "Notes aux élus", "nav": "briefings", "rows": rows})  # fmt: skip


def _detail(request, pk: int):
    briefing = access_briefing(request.user, pk)
    return render(request, "backoffice/steering/briefing.html", {
        "title": f"Note aux élus — {briefing.remit.title}", "nav": "briefings",
        "briefing": briefing, "content": briefing.content,
    })  # fmt: skip


briefing_list = agent_required(_list, allows=_reader)
briefing_detail = agent_required(_detail, allows=_reader)
