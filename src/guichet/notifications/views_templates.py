"""The authority's message templates in the back office: the list, previews, the edit form."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from guichet.authorities.access import can
from guichet.core.journal import Actor
from guichet.notifications.actions import TemplateError, save_template
from guichet.notifications.forms import TemplateForm
from guichet.notifications.models import MessageKind, MessageTemplate
from guichet.notifications.templating import DEFAULTS, VARIABLES
from guichet.notifications.views_agents import agents_with, chosen

agents = agents_with("view_requests", "Cet espace est réservé aux agents des collectivités.")
EDITORS_ONLY = "Seuls les administrateurs de la collectivité modifient ses modèles de message."


@agents
@require_GET
def template_list(request, authorities):
    authority = chosen(authorities, request.GET.get("collectivite"))
    custom = set(
        MessageTemplate.objects.filter(authority=authority, service__isnull=True).values_list(
            "message_kind", flat=True
        )
    )
    context = {
        "title": "Modèles de message",
        "authorities": authorities,
        "authority": authority,
        "kinds": [(value, label, value in custom) for value, label in MessageKind.choices],
        "may_edit": can(request.user, authority, "manage_settings"),
    }
    return render(request, "notifications/templates.html", context)


@agents
@require_http_methods(["GET", "POST"])
def template_edit(request, authorities, authority: str, message_kind: str):
    found = chosen(authorities, authority)
    if message_kind not in MessageKind.values or not can(request.user, found, "manage_settings"):
        raise Http404(EDITORS_ONLY if message_kind in MessageKind.values else "Type inconnu.")
    current = MessageTemplate.objects.filter(
        authority=found, message_kind=message_kind, service__isnull=True
    ).first()
    form = TemplateForm(request.POST or None, instance=current)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                save_template(
                    actor=Actor.agent(request.user), authority=found, message_kind=message_kind,
                    **{f: form.cleaned_data[f] for f in ("subject", "text", "sms")},
                )  # fmt: skip
            except TemplateError as refusal:
                for field, message in refusal.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, "Modèle enregistré.")
                return redirect(f"{reverse('notifications:templates')}?collectivite={found.slug}")
    context = {
        "title": "Modifier un modèle de message",
        "authority": found,
        "kind": MessageKind(message_kind),
        "form": form,
        "defaults": DEFAULTS[message_kind],
        "variables": VARIABLES,
    }
    return render(request, "notifications/template_edit.html", context, status=status)
