"""The moderators' queue: reported contributions and those held by pre-moderation; hide with
a reason, restore, keep, accept, block or unblock an author. Managers of the authority."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from guichet.authorities.models import Authority
from guichet.backoffice import selectors
from guichet.backoffice.views._common import agent_required, forbidden
from guichet.core.journal import Actor
from guichet.participation import moderation
from guichet.participation.actions import moderation as actions
from guichet.participation.refusals import Refused
from guichet.participation.selectors import moderation as reads
from guichet.people.models import Person

PERMISSION = "manage_routing"
MODERATORS_ONLY = (
    "La modération est réservée aux responsables et administrateurs de la collectivité."
)


def moderator_authorities(user) -> list[Authority]:
    return selectors.authorities_where(user, PERMISSION)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Motif (affiché à la place du contenu)", max_length=300)


@agent_required
def queue(request):
    authorities = moderator_authorities(request.user)
    if not authorities:
        return forbidden(request, MODERATORS_ONLY)
    ids = [a.pk for a in authorities]
    return render(request, "backoffice/participation/moderation_queue.html", {
        "title": "Modération", "items": reads.queue(ids), "blocks": reads.blocks(ids),
        "form": ReasonForm(),
    })  # fmt: skip


@agent_required
@require_POST
def moderate(request, kind: str, pk: int):
    contribution = moderation.find(f"participation.{kind}", pk)
    authorities = {a.pk for a in moderator_authorities(request.user)}
    authority = moderation.authority_of(contribution) if contribution is not None else None
    if authority is None or authority.pk not in authorities:
        return forbidden(request, MODERATORS_ONLY)
    by = Actor.agent(request.user)
    what = request.POST.get("action", "")
    try:
        if what == "hide":
            actions.hide(contribution=contribution, by=by, reason=request.POST.get("reason"))
            done = "La contribution est masquée ; le motif s'affiche à sa place."
        elif what == "restore":
            actions.restore(contribution=contribution, by=by)
            done = "La contribution est rétablie."
        elif what == "keep":
            actions.keep(contribution=contribution, by=by)
            done = "Les signalements sont écartés ; la contribution reste visible."
        elif what == "accept":
            actions.accept(contribution=contribution, by=by)
            done = "La contribution est acceptée et visible."
        elif what == "block":
            author = Person.objects.filter(pk=moderation.author_id_of(contribution)).first()
            if author is None:
                raise Refused("Cette contribution n'a pas d'auteur connu.")
            actions.block(
                authority=authority, person=author, by=by, reason=request.POST.get("reason")
            )
            done = "L'auteur est bloqué : il ne peut plus contribuer sur cette collectivité."
        else:
            raise Refused("Action de modération inconnue.")
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done)
    return redirect("participation_agents:moderation")


@agent_required
@require_POST
def unblock(request, authority_pk: int, person_pk: int):
    authorities = {a.pk: a for a in moderator_authorities(request.user)}
    authority = authorities.get(authority_pk)
    person = Person.objects.filter(pk=person_pk).first()
    if authority is None or person is None:
        return forbidden(request, MODERATORS_ONLY)
    try:
        actions.unblock(authority=authority, person=person, by=Actor.agent(request.user))
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "L'auteur est débloqué.")
    return redirect("participation_agents:moderation")
