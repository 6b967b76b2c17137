"""What the designer's views share: who may enter, the service's tabs, the draft's saving."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.shortcuts import render

from guichet.backoffice.designer import selectors
from guichet.backoffice.selectors import is_agent, is_designer_only
from guichet.backoffice.views._common import agent_required, forbidden
from guichet.catalogue.models import Service, ServiceVersion
from guichet.catalogue.versions import content_of

DESIGNERS_ONLY = (
    "Le concepteur de démarches est réservé aux concepteurs de démarches et aux "
    "administrateurs de la collectivité."
)
TABS = (
    ("page", "Page du service", "backoffice:designer:page"),
    ("form", "Formulaire", "backoffice:designer:builder"),
    ("workflow", "Circuit de traitement", "backoffice:designer:workflow"),
    ("messages", "Messages", "backoffice:designer:messages"),
    ("versions", "Versions et publication", "backoffice:designer:versions"),
)


def designer_required(view):
    """A member of an authority (a designer of services only is one) who designs for at least
    one authority (else a French 403)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not selectors.designer_authorities(request.user):
            return forbidden(request, DESIGNERS_ONLY)
        return view(request, *args, **kwargs)

    return agent_required(wrapper, allows=lambda user: is_agent(user) or is_designer_only(user))


def service_page(request, template: str, service: Service, authority, tab: str, **context: Any):
    draft = context.pop("draft", None) or selectors.draft_of(service)
    status = context.pop("status", 200)
    return render(
        request,
        f"backoffice/designer/{template}",
        {
            "title": context.pop("title", service.name),
            "nav": "designer",
            "service": service,
            "authority": authority,
            "draft": draft,
            "tab": tab,
            "tabs": TABS,
            **context,
        },
        status=status,
    )


def content_shown(service: Service, draft: ServiceVersion | None) -> dict[str, Any]:
    """The draft's content, else the published one's (read only until a draft is open)."""
    if draft is not None:
        return content_of(draft)
    return content_of(service.current_version or service)
