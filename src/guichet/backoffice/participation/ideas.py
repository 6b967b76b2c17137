"""Organisers' page for one idea: the official answer and the follow-up milestones."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from guichet.backoffice.participation.consultations import authorities_of
from guichet.backoffice.views._common import agent_required
from guichet.cases.models import Request
from guichet.core.journal import Actor
from guichet.participation.actions import ideas as act
from guichet.participation.models.ideas import Idea
from guichet.participation.refusals import Refused
from guichet.participation.selectors.ideas import genealogy


def _idea(user, pk: int) -> Idea:
    allowed = [a.pk for a in authorities_of(user)]
    idea = (
        Idea.objects.filter(pk=pk, consultation__authority_id__in=allowed)
        .select_related("consultation__authority")
        .first()
    )
    if idea is None:
        raise Http404("Cette idée n'existe pas ou relève d'une autre collectivité.")
    return idea


@agent_required
@require_http_methods(["GET", "POST"])
def manage(request, pk: int):
    idea = _idea(request.user, pk)
    errors: dict[str, list[str]] = {}
    values = {k: request.POST.get(k, "") for k in
              ("status", "text", "title", "due_on", "progress", "requests", "project_url")}  # fmt: skip
    if request.method == "POST":
        actor = Actor.agent(request.user)
        try:
            if request.POST.get("form") == "answer":
                act.answer_idea(
                    actor=actor, idea=idea, status=values["status"], text=values["text"]
                )
                messages.success(request, "La réponse officielle est publiée.")
            else:
                references = [r.strip() for r in values["requests"].split(",") if r.strip()][:50]
                linked = list(Request.objects.filter(reference__in=references))
                missing = set(references) - {r.reference for r in linked}
                if missing:
                    raise Refused.field("requests", f"Demande introuvable : {sorted(missing)[0]}.")
                act.save_milestone(
                    actor=actor, idea=idea, title=values["title"], due_on=_date(values["due_on"]),
                    progress=values["progress"] or 0, requests=linked,
                    project_url=values["project_url"],
                )  # fmt: skip
                messages.success(request, "Le jalon est enregistré.")
        except Refused as refused:
            errors = refused.errors
        else:
            return redirect("participation_agents:idea", pk=idea.pk)
    return render(request, "backoffice/participation/idea.html", {
        "title": f"Idée : {idea.title}", "idea": idea, "errors": errors, "values": values,
        "statuses": Idea.Answer.choices, "answers": idea.answers.all(),
        "milestones": idea.milestones.prefetch_related("requests"), "genealogy": genealogy(idea),
    }, status=400 if errors else 200)  # fmt: skip


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None
