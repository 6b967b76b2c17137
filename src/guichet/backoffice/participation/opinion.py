"""The opinion map of a consultation for its organisers: group sizes (chart and table), what
sets each group apart, and the statements by group-aware consensus."""

from __future__ import annotations

from django.shortcuts import render

from guichet.backoffice import charts
from guichet.backoffice.participation.moderation import MODERATORS_ONLY, moderator_authorities
from guichet.backoffice.views._common import agent_required, forbidden
from guichet.participation.models.consultations import Consultation
from guichet.participation.opinion import selectors as reads


@agent_required
def opinion_map(request, pk: int):
    ids = [a.pk for a in moderator_authorities(request.user)]
    consultation = Consultation.objects.filter(pk=pk, authority_id__in=ids).first()
    if consultation is None:
        return forbidden(request, MODERATORS_ONLY)
    view = reads.map_view(consultation)
    chart = None
    if view.groups:
        chart = charts.bars(
            "Participants par groupe d'opinion", [g.label for g in view.groups],
            {"Participants": [g.size for g in view.groups]},
            description="Le nombre de participants de chaque groupe d'opinion ; le tableau "
            "ci-dessous donne les mêmes nombres.", integer=True,
        )  # fmt: skip
    return render(request, "backoffice/participation/opinion_map.html", {
        "title": f"Carte des opinions : {consultation.title}", "consultation": consultation,
        "view": view, "chart": chart,
    })  # fmt: skip
