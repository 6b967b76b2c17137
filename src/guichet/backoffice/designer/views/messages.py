"""The designer's « Messages » tab: the wording of each message a request of the service
sends, the service's own or inherited (the authority's, else the default), edited through the
notifications app's checks and previewed through its renderer with sample values.

The texts are not versioned: they apply to the service's requests once saved."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from guichet.backoffice.designer import selectors
from guichet.backoffice.designer.views._common import designer_required, service_page
from guichet.core.journal import Actor
from guichet.notifications.actions import TemplateError, save_service_template
from guichet.notifications.forms import TemplateForm
from guichet.notifications.models import MessageKind, MessageTemplate
from guichet.notifications.rules import RULES, STATE_MESSAGES
from guichet.notifications.template_check import problems
from guichet.notifications.templating import DEFAULTS, VARIABLES, render
from guichet.notifications.views import SAMPLE

# What a request sends (notifications/rules.py), in the order a request lives it.
REQUEST_KINDS = tuple(
    kind for kind in MessageKind.values if kind in {*RULES.values(), *STATE_MESSAGES.values()}
)
FIELDS = ("subject", "text", "sms")
SAMPLE_UNSUBSCRIBE = "https://exemple.fr/notifications/desabonnement/…/"


def _templates(authority, service) -> tuple[dict[str, MessageTemplate], dict[str, MessageTemplate]]:
    """The authority's and the service's own templates of the request kinds, by kind."""
    found = MessageTemplate.objects.filter(
        authority=authority, message_kind__in=REQUEST_KINDS, service__isnull=True
    ) | MessageTemplate.objects.filter(
        authority=authority, message_kind__in=REQUEST_KINDS, service=service
    )
    general, own = {}, {}
    for template in found:
        (own if template.service_id else general)[template.message_kind] = template
    return general, own


def _origin(kind: str, field: str, general, own) -> str:
    """Where a field's text in force comes from, in French."""
    if kind in own and getattr(own[kind], field).strip():
        return "propre au service"
    if kind in general and getattr(general[kind], field).strip():
        return "hérité de la collectivité"
    return "texte par défaut"


def _preview(authority, service, kind: str, source: dict[str, str] | None = None):
    return render(
        authority=authority, message_kind=kind,
        variables=SAMPLE | {"service": service.name, "collectivite": authority.name},
        unsubscribe_url=SAMPLE_UNSUBSCRIBE, service_id=service.pk, source=source,
    )  # fmt: skip


@designer_required
@require_GET
def message_list(request, pk):
    service, authority = selectors.owned_service(request.user, pk)
    general, own = _templates(authority, service)
    rows = [
        {
            "kind": kind,
            "label": MessageKind(kind).label,
            "own": kind in own,
            "origins": [(field, _origin(kind, field, general, own)) for field in FIELDS],
            "message": _preview(authority, service, kind),
        }
        for kind in REQUEST_KINDS
    ]
    return service_page(
        request, "messages.html", service, authority, "messages",
        title=f"Messages — {service.name}", rows=rows, variables=VARIABLES,
    )  # fmt: skip


@designer_required
@require_http_methods(["GET", "POST"])
def message_edit(request, pk, message_kind: str):
    service, authority = selectors.owned_service(request.user, pk)
    if message_kind not in REQUEST_KINDS:
        raise Http404("Type de message inconnu.")
    general, own = _templates(authority, service)
    form = TemplateForm(request.POST or None, instance=own.get(message_kind))
    for name in FIELDS:
        form.fields[name].help_text = "Vide : le texte de la collectivité ou par défaut."
    inherited = dict(DEFAULTS[message_kind])
    if message_kind in general:
        for field in FIELDS:
            if getattr(general[message_kind], field).strip():
                inherited[field] = getattr(general[message_kind], field)
    status, source = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            typed = {f: form.cleaned_data[f].strip() for f in FIELDS}
            if "apercu" in request.POST:
                errors = {f: " ".join(problems(v)) for f, v in typed.items() if problems(v)}
                for field, message in errors.items():
                    form.add_error(field, message)
                if not errors:
                    status, source = 200, {f: typed[f] or inherited[f] for f in FIELDS}
            else:
                try:
                    save_service_template(
                        actor=Actor.agent(request.user), authority=authority, service=service,
                        message_kind=message_kind, **typed,
                    )  # fmt: skip
                except TemplateError as refusal:
                    for field, message in refusal.errors.items():
                        form.add_error(field if field in form.fields else None, message)
                else:
                    messages.success(request, "Message enregistré.")
                    return redirect("backoffice:designer:messages", pk=service.pk)
    return service_page(
        request, "message_edit.html", service, authority, "messages",
        title=f"{MessageKind(message_kind).label.capitalize()} — {service.name}",
        status=status, form=form, kind=MessageKind(message_kind), variables=VARIABLES,
        inherited=inherited, previewing=source is not None,
        message=None if status == 400 else _preview(authority, service, message_kind, source),
    )  # fmt: skip
