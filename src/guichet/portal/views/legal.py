"""The pages every public site owes its visitors: accessibility statement, legal notice,
personal data and cookies. Their content comes from the deploying body's settings
(`GUICHET_OPERATOR_*`, `GUICHET_HOST_*`, `GUICHET_ACCESSIBILITY_*`, README)."""

from __future__ import annotations

from django.conf import settings
from django.views.decorators.http import require_safe

from guichet.core.theme import accessibility_level
from guichet.people.rights.register import build_register
from guichet.portal.views._common import page


def _operator() -> dict:
    contact = settings.GUICHET_OPERATOR_CONTACT_EMAIL
    return {
        "operator": settings.GUICHET_OPERATOR_NAME,
        "operator_address": settings.GUICHET_OPERATOR_ADDRESS,
        "contact_email": contact,
        "director": settings.GUICHET_PUBLICATION_DIRECTOR,
        "host_name": settings.GUICHET_HOST_NAME,
        "host_address": settings.GUICHET_HOST_ADDRESS,
        "dpo_contact": settings.GUICHET_DPO_CONTACT or contact,
        "base_url": settings.GUICHET_BASE_URL,
    }


@require_safe
def accessibility(request):
    context = _operator() | {
        "title": "Déclaration d'accessibilité",
        "level": accessibility_level(),
        "audit": settings.GUICHET_ACCESSIBILITY_AUDIT,
    }
    return page(request, "portal/legal/accessibility.html", context)


@require_safe
def legal_notice(request):
    return page(
        request, "portal/legal/legal_notice.html", _operator() | {"title": "Mentions légales"}
    )


@require_safe
def privacy(request):
    context = _operator() | {
        "title": "Données personnelles et cookies",
        "session_days": settings.SESSION_COOKIE_AGE // 86400,
    }
    return page(request, "portal/legal/privacy.html", context)


@require_safe
def register(request):
    """The register of processing in its public form: purposes, data, recipients, retention
    (not the number of agents per authority, which the back office's register shows)."""
    context = _operator() | {"title": "Registre des traitements", "register": build_register()}
    return page(request, "portal/legal/register.html", context)
