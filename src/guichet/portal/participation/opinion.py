"""The statement-voting step of a consultation: one statement at a time (agree / disagree /
pass), adding a statement, and the results (participants by opinion group, statements by
group-aware consensus). The map itself is computed by a background task, never here."""

from __future__ import annotations

import html
import re
import uuid

import pygal
from django import forms
from django.contrib import messages
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST
from pygal.style import Style

from guichet.participation import eligibility
from guichet.participation.actions import opinion as actions
from guichet.participation.models.consultations import Consultation
from guichet.participation.models.opinion import STATEMENT_MAX, GroupMembership, Statement
from guichet.participation.opinion import selectors as reads
from guichet.participation.phases import Action
from guichet.participation.refusals import Refused
from guichet.portal.participation import participant
from guichet.portal.views._common import SeeOther, limited, not_found, page, too_many_tries

PALETTE = ("#000091", "#c9191e", "#18753c", "#b34000", "#695240", "#6a6af4")
CHART_POINTS = 2000  # the chart shows a sample; the table below it gives every count


class StatementForm(forms.Form):
    text = forms.CharField(
        label="Votre affirmation", max_length=STATEMENT_MAX, required=False,
        help_text=f"Une phrase courte, sur laquelle d'autres pourront se dire d'accord ou non "
        f"({STATEMENT_MAX} caractères au plus).",
    )  # fmt: skip


def _consultation(pk: int) -> Consultation | None:
    return (
        Consultation.objects.filter(pk=pk, published=True)
        .select_related("authority")
        .prefetch_related("phases")
        .first()
    )


def _path(consultation: Consultation) -> str:
    return reverse("participation:opinion", kwargs={"pk": consultation.pk})


@require_http_methods(["GET", "POST"])
def vote_page(request, pk: int):
    consultation = _consultation(pk)
    if consultation is None:
        return not_found(request, "Cette consultation n'existe pas ou n'est pas publiée.")
    person = participant(request)
    error, status = "", 200
    if request.method == "POST":
        verdict = limited(request, "opinion-vote", limit=120, window=60)
        if not verdict.allowed:
            return too_many_tries(request, verdict)
        statement = Statement.objects.filter(
            pk=_int(request.POST.get("statement")), consultation=consultation
        ).first()
        if statement is None:
            error, status = "Cette affirmation n'existe pas.", 400
        elif person is None:
            error, status = (
                "Pour voter, connectez-vous ou confirmez votre adresse électronique.",
                403,
            )
        else:
            try:
                actions.vote(statement=statement, person=person, value=request.POST.get("value"))
            except Refused as refused:
                error, status = str(refused), 409
            else:
                return SeeOther(_path(consultation))
    return _vote_page(request, consultation, person, error=error, status=status)


def _vote_page(request, consultation, person, *, error="", form=None, status=200):
    try:
        eligibility.check(person, consultation, Action.VOTE_STATEMENT)
        refusal = ""
    except eligibility.NotAllowed as why:
        refusal = why.message
    done, total = reads.progress(consultation, person)
    return page(request, "portal/participation/opinion_vote.html", {
        "title": f"Votre avis : {consultation.title}", "consultation": consultation,
        "statement": reads.next_statement(consultation, person) if person else None,
        "person": person, "refusal": refusal, "error": error, "done": done, "total": total,
        "form": form or StatementForm(), "choices": [
            (1, "D'accord", "fr-btn"), (-1, "Pas d'accord", "fr-btn"),
            (0, "Je passe", "fr-btn fr-btn--tertiary"),
        ],
    }, status=status)  # fmt: skip


def _int(value) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


@require_POST
def add_statement(request, pk: int):
    consultation = _consultation(pk)
    if consultation is None:
        return not_found(request, "Cette consultation n'existe pas ou n'est pas publiée.")
    person = participant(request)
    form = StatementForm(request.POST)
    if form.is_valid():
        if person is None:
            form.add_error(None, "Pour proposer une affirmation, connectez-vous ou confirmez "
                           "votre adresse électronique.")  # fmt: skip
        else:
            verdict = limited(request, "opinion-statement", limit=10, window=600)
            if not verdict.allowed:
                return too_many_tries(request, verdict)
            try:
                actions.add_statement(
                    consultation=consultation, person=person, text=form.cleaned_data["text"]
                )
            except Refused as refused:
                for name, errors in refused.errors.items():
                    for error in errors:
                        form.add_error(name if name in form.fields else None, error)
            else:
                messages.success(request, "Votre affirmation est ajoutée." if not
                                 consultation.premoderation else "Votre affirmation sera "
                                 "proposée au vote une fois relue par les modérateurs.")  # fmt: skip
                return SeeOther(_path(consultation))
    return _vote_page(request, consultation, person, form=form, status=400)


def results(request, pk: int):
    consultation = _consultation(pk)
    if consultation is None:
        return not_found(request, "Cette consultation n'existe pas ou n'est pas publiée.")
    view = reads.map_view(consultation)
    nonce = str(getattr(request, "csp_nonce", ""))
    chart = with_nonce(_chart(view), nonce) if view.groups else None
    return page(request, "portal/participation/opinion_results.html", {
        "title": f"Carte des opinions : {consultation.title}", "consultation": consultation,
        "view": view, "chart": chart,
    })  # fmt: skip


def _chart(view):
    """Participants placed by their votes, one colour per group (pygal XY, no script)."""
    title = "Participants par groupe d'opinion"
    chart = pygal.XY(
        stroke=False, title=title, js=[], disable_xml_declaration=True, height=420, width=720,
        show_x_labels=False, show_y_labels=False, legend_at_bottom=True, dots_size=2,
        style=Style(background="white", plot_background="white", foreground="#161616",
                    foreground_strong="#161616", colors=PALETTE,
                    font_family="Marianne, Arial, sans-serif"),
    )  # fmt: skip
    per_group = max(1, CHART_POINTS // max(1, len(view.groups)))
    for group in view.groups:
        points = list(
            GroupMembership.objects.filter(group=group)
            .order_by("pk")
            .values_list("x", "y")[:per_group]
        )
        chart.add(f"{group.label} ({group.size})", [(round(x, 3), round(y, 3)) for x, y in points])
    svg = re.sub(r"<script\b[^>]*>.*?</script>", "", chart.render(is_unicode=True), flags=re.S)
    svg = svg.replace('style="opacity: 0"', 'opacity="0"')
    ident = f"carte-{uuid.uuid4().hex[:8]}"
    description = (
        "Chaque point est un participant, placé selon ses votes : les points proches ont voté "
        "de façon semblable. Le tableau ci-dessous donne la taille de chaque groupe."
    )
    head = f'<title id="{ident}-t">{html.escape(title)}</title><desc id="{ident}-d">{html.escape(description)}</desc>'
    svg = re.sub(
        r"<svg\b([^>]*)>",
        lambda m: f'<svg{m.group(1)} role="img" aria-labelledby="{ident}-t {ident}-d">{head}',
        svg, count=1,
    )  # fmt: skip
    return svg


def with_nonce(svg: str, nonce: str):
    tag = f'<style type="text/css" nonce="{html.escape(nonce)}">'
    return mark_safe(svg.replace('<style type="text/css">', tag))  # noqa: S308 — pygal escapes
