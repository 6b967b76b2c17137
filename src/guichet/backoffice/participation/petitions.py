"""Petitions in the back office: the authority's petitions (accept or refuse those awaiting
moderation), one petition (publish the official answer of its obligation), the rules."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from guichet.backoffice.participation.moderation import MODERATORS_ONLY, moderator_authorities
from guichet.backoffice.views._common import agent_required, forbidden
from guichet.core import calendar, clock
from guichet.core.journal import Actor
from guichet.participation.actions import petitions as actions
from guichet.participation.models.petitions import CouncilMeeting, Duty, Obligation, Petition
from guichet.participation.refusals import Refused
from guichet.participation.selectors import petitions as reads


@agent_required
def petitions(request):
    authorities = moderator_authorities(request.user)
    if not authorities:
        return forbidden(request, MODERATORS_ONLY)
    ids = [a.pk for a in authorities]
    return render(request, "backoffice/participation/petition_list.html", {
        "title": "Pétitions", "petitions": reads.for_agents(ids)[:300],
        "late": reads.late_obligations(ids).count(),
    })  # fmt: skip


def _petition(request, pk: int) -> Petition | None:
    ids = [a.pk for a in moderator_authorities(request.user)]
    return reads.for_agents(ids).filter(pk=pk).first()


@agent_required
def petition(request, pk: int, *, errors=None, status=200):
    found = _petition(request, pk)
    if found is None:
        return forbidden(request, MODERATORS_ONLY)
    return render(request, "backoffice/participation/petition_detail.html", {
        "title": found.title, "petition": found, "obligation": reads.obligation_of(found),
        "errors": errors or {}, "posted": request.POST,
    }, status=status)  # fmt: skip


@agent_required
@require_POST
def decide(request, pk: int):
    found = _petition(request, pk)
    if found is None:
        return forbidden(request, MODERATORS_ONLY)
    by = Actor.agent(request.user)
    what = request.POST.get("action")
    try:
        if what == "open":
            actions.open_petition(petition=found, by=by)
            messages.success(request, "La pétition est ouverte à la signature.")
        elif what == "reject":
            actions.reject_petition(petition=found, by=by, reason=request.POST.get("reason"))
            messages.success(request, "La pétition est refusée ; son auteur est prévenu.")
        elif what == "answer":
            obligation = Obligation.objects.filter(petition=found).first()
            if obligation is None:
                raise Refused("Cette pétition n'a pas atteint son seuil : aucune réponse due.")
            actions.answer_obligation(
                obligation=obligation, by=by, answer=request.POST.get("answer")
            )
            messages.success(
                request, "La réponse officielle est publiée ; les signataires sont prévenus."
            )
        else:
            raise Refused("Action inconnue.")
    except Refused as refused:
        return petition(request, pk, errors=refused.errors, status=400)
    return redirect("participation_agents:petition", pk=found.pk)


@agent_required
@require_http_methods(["GET", "POST"])
def rules(request):
    authorities = [a for a in moderator_authorities(request.user)]
    if not authorities:
        return forbidden(request, MODERATORS_ONLY)
    chosen = request.POST.get("collectivite") or request.GET.get("collectivite")
    authority = next((a for a in authorities if str(a.pk) == chosen), authorities[0])
    current = actions.rules_for(authority)
    errors, status = {}, 200
    values = {
        "threshold_percent": str(current.threshold_percent).replace(".", ","),
        "duty": current.duty, "answer_working_days": current.answer_working_days,
        "max_days_open": current.max_days_open,
    }  # fmt: skip
    if request.method == "POST" and "meeting" in request.POST:
        try:
            actions.add_council_meeting(
                authority=authority, by=Actor.agent(request.user), day=request.POST["meeting"]
            )
        except Refused as refused:
            errors, status = {"meeting": refused.errors.get("date", [str(refused)])}, 400
        else:
            messages.success(request, "La séance du conseil est inscrite.")
            return redirect(f"{request.path}?collectivite={authority.pk}")
    elif request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            actions.save_rules(authority=authority, by=Actor.agent(request.user), **values)
        except Refused as refused:
            errors, status = refused.errors, 400
        else:
            messages.success(request, "Les règles des pétitions sont enregistrées.")
            return redirect(f"{request.path}?collectivite={authority.pk}")
    return render(request, "backoffice/participation/petition_rules.html", {
        "title": "Règles des pétitions", "authorities": authorities, "authority": authority,
        "values": values, "errors": errors, "duties": Duty.choices,
        "meetings": CouncilMeeting.objects.filter(authority=authority, date__gte=calendar.local_date(clock.now())),
    }, status=status)  # fmt: skip
