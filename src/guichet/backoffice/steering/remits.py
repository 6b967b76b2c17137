"""Managing the elected officials' remits (managers and administrators of the authority):
the list, a new remit, its end, and « Envoyer maintenant » (queued for the worker)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from guichet.backoffice import analytics
from guichet.backoffice.steering.remit_form import RemitForm
from guichet.backoffice.steering.tasks import send_now
from guichet.backoffice.views._common import agent_required, forbidden
from guichet.contracts.briefings import actions
from guichet.contracts.models import BriefingRemit
from guichet.core.journal import Actor

MANAGERS_ONLY = (
    "La gestion des périmètres des élus est réservée aux responsables et administrateurs."
)


def _remit(authorities, pk) -> BriefingRemit:
    try:
        return BriefingRemit.objects.select_related("authority").get(
            pk=int(pk), authority__in=authorities
        )
    except (BriefingRemit.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("Périmètre introuvable.") from None


@agent_required
def remit_list(request):
    authorities = analytics.dashboard_authorities(request.user)
    if not authorities:
        return forbidden(request, MANAGERS_ONLY)
    form = RemitForm(request.POST or None, authorities=authorities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            remit = actions.create_remit(
                actor=Actor.agent(request.user), authority=data["authority"],
                official=data["official"], title=data["title"], scope=data["scope"],
                frequency=data["frequency"], commune=data["commune"],
                services=data["services"], categories=data["categories"],
            )  # fmt: skip
        except actions.BriefingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Périmètre « {remit.title} » créé.")
            return redirect("steering:remits")
    remits = (
        BriefingRemit.objects.filter(authority__in=authorities)
        .select_related("authority", "official", "commune")
        .prefetch_related("services", "categories")
        .order_by("-is_active", "authority__name", "title", "pk")
    )  # fmt: skip
    context = {
        "title": "Périmètres des élus", "nav": "briefings", "form": form, "remits": remits,
        "communes": [(a, form.communes[a.pk]) for a in authorities],
    }  # fmt: skip
    return render(request, "backoffice/steering/remits.html", context,
                  status=400 if request.method == "POST" else 200)  # fmt: skip


@require_POST
@agent_required
def remit_end(request, pk: int):
    remit = _remit(analytics.dashboard_authorities(request.user), pk)
    try:
        actions.end_remit(actor=Actor.agent(request.user), remit=remit)
    except actions.BriefingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Les notes « {remit.title} » ne seront plus envoyées.")
    return redirect("steering:remits")


@require_POST
@agent_required
def remit_send(request, pk: int):
    remit = _remit(analytics.dashboard_authorities(request.user), pk)
    if not remit.is_active:
        messages.error(request, "Les notes de ce périmètre ne sont plus envoyées.")
    else:
        send_now.enqueue(remit.pk, f"{request.user.get_username()} (envoyer maintenant)")
        messages.success(request, f"La note « {remit.title} » sera composée et envoyée dans "
                                  "quelques instants.")  # fmt: skip
    return redirect("steering:remits")
