"""The broadcast screen: choose a segment, see the audience and the preview, confirm, follow.

Steps: the form (audience and preview refreshed by htmx, or by the "Calculer l'audience"
button without JavaScript) → a confirmation page repeating the audience size → the
broadcast's page, whose status row polls while the messages are being queued.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guichet.core.journal import Actor
from guichet.notifications import audience, optout, tasks
from guichet.notifications.actions import BroadcastError, check_broadcast, plan_broadcast
from guichet.notifications.forms import BroadcastForm
from guichet.notifications.models import Broadcast, Channel, MessageKind
from guichet.notifications.sms import MAX_SEGMENTS, segments
from guichet.notifications.templating import render as render_message
from guichet.notifications.views_agents import agents_with, chosen

REFUSAL = (
    "La diffusion d'informations aux usagers est réservée aux responsables et administrateurs "
    "de la collectivité."
)
SAMPLE_NAME = "Camille Exemple"

broadcasters = agents_with("broadcast", REFUSAL)


def _form(data, authority) -> BroadcastForm:
    return BroadcastForm(data, communes=audience.territory_communes(authority))


def _panel(authority, form: BroadcastForm) -> dict:
    """Audience per channel and the rendered preview, for whatever the form holds so far."""
    segment = form.segment() if form.is_valid() else {}
    panel: dict = {"errors": [], "counts": [], "preview": None}
    communes = segment.get("communes", [])
    outside = audience.communes_outside(authority, communes)
    if outside:
        panel["errors"].append(f"Hors du territoire de {authority.name} : {', '.join(outside)}.")
        communes = []
    chosen_channels = segment.get("channels", [])
    counts = audience.counts(
        authority=authority, channels=Channel.values, communes=communes,
        categories=segment.get("categories") or None,
    )  # fmt: skip
    panel["counts"] = [
        {"channel": label, "count": counts[value], "chosen": value in chosen_channels}
        for value, label in Channel.choices
    ]
    panel["total"] = sum(counts[c] for c in chosen_channels)
    panel["any_channel"] = bool(chosen_channels)
    message = segment.get("message", "")
    if message:
        panel["preview"] = _preview(authority, message)
    return panel


def _sample_optout() -> str:
    # As long as a real link (the SMS length depends on it) and plain ASCII like one, but
    # with a token that opts nobody out.
    real = optout.url_for(10**6)
    token = optout.token_for(10**6)
    return real.replace(token, "X" * len(token))


def _preview(authority, message: str) -> dict:
    rendered = render_message(
        authority=authority, message_kind=MessageKind.BROADCAST,
        variables={"usager": SAMPLE_NAME, "collectivite": authority.name, "message": message},
        unsubscribe_url=_sample_optout(),
    )  # fmt: skip
    parts = segments(rendered.sms)
    return {
        "message": rendered,
        "sms_count": parts.count,
        "sms_encoding": parts.encoding,
        "sms_units": parts.units,
        # `fit` cut the text to MAX_SEGMENTS: the whole message is no longer in it.
        "sms_cut": " ".join(message.split()) not in rendered.sms,
        "max_segments": MAX_SEGMENTS,
    }


def _page(request, authorities, authority, form, *, status=200, errors=()):
    context = {
        "title": "Diffuser une information",
        "nav": "broadcast",
        "authorities": authorities,
        "authority": authority,
        "form": form,
        "general_errors": list(errors),
        "panel": _panel(authority, form),
        "history": audience.history([authority.pk]),
    }
    return render(request, "notifications/broadcast.html", context, status=status)


def _put_back(form: BroadcastForm, refusal: BroadcastError) -> list[str]:
    """Put the action's French errors on their fields; the others are returned."""
    general = []
    for field, message in refusal.errors.items():
        if field in form.fields:
            form.add_error(field, message)
        else:
            general.append(message)
    return general


@broadcasters
@require_http_methods(["GET", "POST"])
def broadcast_page(request, authorities):
    source = request.POST if request.method == "POST" else request.GET
    authority = chosen(authorities, source.get("collectivite"))
    if request.method == "GET":
        return _page(request, authorities, authority, _form(None, authority))
    form = _form(request.POST, authority)
    if not form.is_valid():
        return _page(request, authorities, authority, form, status=400)
    step = request.POST.get("etape", "verifier")
    if step in ("calculer", "modifier"):
        # "Calculer l'audience" without JavaScript, or back from the confirmation page.
        return _page(request, authorities, authority, form)
    try:
        if step == "confirmer":
            with transaction.atomic():
                planned = plan_broadcast(
                    authority=authority, actor=Actor.agent(request.user), **form.segment()
                )
                tasks.queue_broadcast_after_commit(planned)
            return redirect("notifications:broadcast_detail", pk=planned.pk)
        counts = check_broadcast(authority=authority, **form.segment())
    except BroadcastError as refusal:
        errors = _put_back(form, refusal)
        return _page(request, authorities, authority, form, status=400, errors=errors)
    if not sum(counts.values()):
        errors = ["Personne ne correspond à ce public : aucun message à envoyer."]
        return _page(request, authorities, authority, form, status=400, errors=errors)
    segment = form.segment()
    names = dict(form.fields["communes"].choices)
    context = {
        "title": "Confirmer la diffusion",
        "nav": "broadcast",
        "authority": authority,
        "form": form,
        "counts": [(Channel(c).label, n) for c, n in counts.items()],
        "total": sum(counts.values()),
        "commune_names": [names.get(str(c), c) for c in segment["communes"]],
        "category_names": [
            label
            for value, label in form.fields["categories"].choices
            if value in segment["categories"]
        ],  # fmt: skip
        "preview": _preview(authority, segment["message"]),
    }
    return render(request, "notifications/broadcast_confirm.html", context)


@broadcasters
@require_GET
def audience_panel(request, authorities):
    """The audience and preview fragment, refreshed by htmx as the agent edits the form."""
    authority = chosen(authorities, request.GET.get("collectivite"))
    form = _form(request.GET, authority)
    context = {"panel": _panel(authority, form), "authority": authority}
    return render(request, "notifications/_audience.html", context)


def _broadcast(authorities, pk: int) -> Broadcast:
    # Alike for missing and forbidden: only the agent's broadcasting authorities.
    return get_object_or_404(
        Broadcast.objects.select_related("authority", "created_by"),
        pk=pk, authority__in=[a.pk for a in authorities],
    )  # fmt: skip


@broadcasters
@require_GET
def broadcast_detail(request, authorities, pk: int):
    found = _broadcast(authorities, pk)
    context = {
        "title": "Diffusion",
        "nav": "broadcast",
        "item": audience.with_counts(found),
        "channel_names": [Channel(c).label for c in found.channels],
    }
    return render(request, "notifications/broadcast_detail.html", context)


@broadcasters
@require_GET
def broadcast_status(request, authorities, pk: int):
    """The status row alone: the page polls it while the messages are being queued."""
    found = _broadcast(authorities, pk)
    context = {"item": audience.with_counts(found)}
    return render(request, "notifications/_broadcast_status.html", context)


@broadcasters
@require_POST
def broadcast_resume(request, authorities, pk: int):
    """Queue again a broadcast whose queueing failed or stalled (already queued rows stay)."""
    found = audience.with_counts(_broadcast(authorities, pk))
    if found.resumable:
        tasks.queue_broadcast_after_commit(found.broadcast)
        messages.info(request, "La mise en file reprend.")
    return redirect("notifications:broadcast_detail", pk=pk)
