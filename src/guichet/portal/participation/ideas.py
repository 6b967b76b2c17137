"""Ideas on the portal: propose, the idea page (genealogy, comments), support, merge."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from guichet.participation import eligibility
from guichet.participation.actions import ideas as act
from guichet.participation.models.consultations import Consultation
from guichet.participation.models.ideas import Idea, IdeaLink, Merge, Support, SupportOffer
from guichet.participation.refusals import Refused
from guichet.participation.selectors import ideas as reads
from guichet.participation.selectors.consultations import current_phase
from guichet.portal.participation import participant
from guichet.portal.views._common import not_found, page

SHOWN = (Idea.State.PUBLISHED, Idea.State.MERGED, Idea.State.ARCHIVED, Idea.State.PROPOSED)


def _idea(pk: int) -> Idea | None:
    return (
        Idea.objects.filter(pk=pk, state__in=SHOWN, consultation__published=True)
        .select_related("consultation__authority", "author", "merged_into")
        .first()
    )


def _refusal(request, refusal: Exception, to: str):
    text = refusal.message if isinstance(refusal, eligibility.NotAllowed) else str(refusal)
    messages.error(request, text)
    return redirect(to)


def detail(request, pk: int):
    idea = _idea(pk)
    if idea is None:
        return not_found(request, "Cette idée n'existe pas ou n'est pas publiée.")
    person = participant(request)
    merge = Merge.objects.filter(result=idea).first()
    return page(request, "portal/participation/idea.html", {
        "title": idea.title, "idea": idea, "consultation": idea.consultation,
        "genealogy": reads.genealogy(idea), "threads": reads.threads(idea),
        "phase": current_phase(idea.consultation), "person": person,
        "supported": person is not None and Support.objects.filter(idea=idea, person=person).exists(),
        "merge": merge, "merge_sources": list(merge.sources.select_related("idea")) if merge else [],
        "my_merge_answer": person is not None and merge is not None
            and merge.state == Merge.State.PENDING
            and merge.sources.filter(idea__author=person, accepted__isnull=True).exists(),
        "offer": SupportOffer.objects.filter(merge__result=idea, person=person, carried__isnull=True).first()
            if person is not None else None,
        "answers": idea.answers.all(), "milestones": idea.milestones.all(),
        "link_kinds": [(k, label) for k, label in IdeaLink.Kind.choices if k != "merge"],
        "may_support": eligibility.may(person, idea.consultation, "support"),
        "may_comment": eligibility.may(person, idea.consultation, "comment"),
    })  # fmt: skip


def follow_up(request, pk: int):
    idea = _idea(pk)
    if idea is None:
        return not_found(request, "Cette idée n'existe pas ou n'est pas publiée.")
    return page(request, "portal/participation/follow_up.html", {
        "title": f"Suivi : {idea.title}", "idea": idea, "answers": idea.answers.all(),
        "milestones": idea.milestones.prefetch_related("requests"),
    })  # fmt: skip


def _gate(request, consultation, action):
    """None when the person may act; else the redirect that tells her what she needs."""
    person = participant(request)
    here = request.path
    try:
        eligibility.check(person, consultation, action)
    except eligibility.NotAllowed as refusal:
        messages.error(request, refusal.message)
        if refusal.needs == "identity":
            return redirect(reverse("participation:one_time") + "?suite=" + here)
        if refusal.needs == "residence":
            return redirect(reverse("participation:declare") + "?suite=" + here)
        return redirect("participation:consultation", pk=consultation.pk)
    return None


@require_http_methods(["GET", "POST"])
def propose(request, pk: int):
    consultation = Consultation.objects.filter(pk=pk, published=True).first()
    if consultation is None:
        return not_found(request, "Cette consultation n'existe pas ou n'est pas publiée.")
    raw = request.POST.get("parent") or request.GET.get("parent") or ""
    parent = _idea(int(raw)) if raw.isdigit() and len(raw) < 12 else None
    blocked = _gate(request, consultation, "propose")
    if blocked is not None:
        return blocked
    context = {"title": "Proposer une idée", "consultation": consultation, "errors": {},
               "values": {}, "parent": parent,
               "link_kinds": [(k, label) for k, label in IdeaLink.Kind.choices if k != "merge"]}  # fmt: skip
    context.update(_place(consultation, request.POST.get("lieu_lat", ""),
                          request.POST.get("lieu_lon", ""), []))  # fmt: skip
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("title", "text", "category", "lien")}
        context["values"] = values
        try:
            idea = act.propose_idea(
                consultation=consultation, person=participant(request),
                title=values["title"], text=values["text"], category=values["category"],
                latitude=request.POST.get("lieu_lat"), longitude=request.POST.get("lieu_lon"),
                attachments=request.FILES.getlist("pieces"),
                parent=parent, link_kind=values["lien"],
            )  # fmt: skip
        except Refused as refused:
            context["errors"] = refused.errors
            context.update(_place(consultation, request.POST.get("lieu_lat", ""),
                                  request.POST.get("lieu_lon", ""), refused.errors.get("place", [])))  # fmt: skip
            return page(request, "portal/participation/propose.html", context, status=400)
        except eligibility.NotAllowed as refusal:
            return _refusal(request, refusal, request.path)
        if idea.state == Idea.State.PENDING:
            messages.success(request, "Merci ! Votre idée sera publiée après modération.")
            return redirect("participation:consultation", pk=consultation.pk)
        messages.success(request, "Merci ! Votre idée est publiée.")
        return redirect("participation:idea", pk=idea.pk)
    return page(request, "portal/participation/propose.html", context)


def _place(consultation, lat: str, lon: str, errors: list[str]) -> dict:
    """The portal's location field (catalogue/fields/field.html) for the idea's place."""
    commune = consultation.authority.commune
    return {
        "place_field": {"widget": "location", "id": "lieu", "name": "lieu", "lat": lat[:20],
                        "lon": lon[:20], "errors": errors, "label": "Lieu concerné (facultatif)",
                        "help_text": "Cliquez sur la carte pour placer le point, si votre idée "
                                     "concerne un endroit précis."},
        "commune": commune or {"name": consultation.authority.name},
    }  # fmt: skip


@require_POST
def support(request, pk: int):
    idea = _idea(pk)
    if idea is None:
        return not_found(request, "Cette idée n'existe pas ou n'est pas publiée.")
    blocked = _gate(request, idea.consultation, "support")
    if blocked is not None:
        return blocked
    person = participant(request)
    to = reverse("participation:idea", kwargs={"pk": idea.pk})
    try:
        if request.POST.get("retirer"):
            act.withdraw_support(idea=idea, person=person)
            messages.success(request, "Votre soutien est retiré.")
        else:
            act.support_idea(idea=idea, person=person)
            messages.success(request, "Merci, votre soutien est compté.")
    except (Refused, eligibility.NotAllowed) as refusal:
        return _refusal(request, refusal, to)
    return redirect(to)


@require_POST
def comment(request, pk: int):
    idea = _idea(pk)
    if idea is None:
        return not_found(request, "Cette idée n'existe pas ou n'est pas publiée.")
    blocked = _gate(request, idea.consultation, "comment")
    if blocked is not None:
        return blocked
    parent_id = request.POST.get("reponse_a", "")
    parent = (
        idea.comments.filter(pk=int(parent_id)).first()
        if parent_id.isdigit() and len(parent_id) < 12
        else None
    )
    to = reverse("participation:idea", kwargs={"pk": idea.pk}) + "#commentaires"
    try:
        act.comment_idea(idea=idea, person=participant(request), text=request.POST.get("texte"),
                         parent=parent)  # fmt: skip
    except (Refused, eligibility.NotAllowed) as refusal:
        return _refusal(request, refusal, to)
    messages.success(request, "Votre commentaire est publié.")
    return redirect(to)


@require_http_methods(["GET", "POST"])
def merge(request, pk: int):
    consultation = Consultation.objects.filter(pk=pk, published=True).first()
    if consultation is None:
        return not_found(request, "Cette consultation n'existe pas ou n'est pas publiée.")
    blocked = _gate(request, consultation, "amend")
    if blocked is not None:
        return blocked
    chosen = [int(v) for v in request.POST.getlist("idees") + request.GET.getlist("idees")
              if v.isdigit() and len(v) < 12]  # fmt: skip
    context = {
        "title": "Proposer une fusion d'idées", "consultation": consultation, "errors": {},
        "candidates": Idea.objects.filter(consultation=consultation, state=Idea.State.PUBLISHED)
        .order_by("title"), "chosen": set(chosen), "values": {},
    }  # fmt: skip
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("title", "text")}
        context["values"] = values
        ideas = list(Idea.objects.filter(pk__in=chosen).select_related("author"))
        try:
            proposal = act.propose_merge(
                person=participant(request), ideas=ideas, consultation=consultation,
                title=values["title"], text=values["text"],
            )  # fmt: skip
        except Refused as refused:
            context["errors"] = refused.errors
            return page(request, "portal/participation/merge.html", context, status=400)
        except eligibility.NotAllowed as refusal:
            return _refusal(request, refusal, request.path)
        messages.success(
            request, "Fusion proposée : elle aura lieu quand chaque auteur l'aura acceptée."
        )
        return redirect("participation:idea", pk=proposal.result_id)
    return page(request, "portal/participation/merge.html", context)


@require_POST
def answer_merge(request, pk: int):
    proposal = Merge.objects.filter(pk=pk).select_related("result").first()
    person = participant(request)
    if proposal is None or person is None:
        return not_found(request, "Cette proposition de fusion n'existe pas.")
    to = reverse("participation:idea", kwargs={"pk": proposal.result_id})
    try:
        act.answer_merge(merge=proposal, person=person, accept=request.POST.get("reponse") == "oui")
    except Refused as refusal:
        return _refusal(request, refusal, to)
    messages.success(request, "Votre réponse est enregistrée.")
    return redirect(to)


@require_POST
def carry(request, pk: int):
    offer = SupportOffer.objects.filter(pk=pk).select_related("merge").first()
    person = participant(request)
    if offer is None or person is None or offer.person_id != person.pk:
        return not_found(request, "Cette question n'existe pas.")
    to = reverse("participation:idea", kwargs={"pk": offer.merge.result_id})
    try:
        act.carry_support(offer=offer, person=person, carry=request.POST.get("reporter") == "oui")
    except Refused as refusal:
        return _refusal(request, refusal, to)
    messages.success(request, "Votre réponse est enregistrée.")
    return redirect(to)
