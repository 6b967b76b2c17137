"""The message preview (for agents); the unsubscribe link is `views_optout`."""

from __future__ import annotations

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin

from guichet.authorities.access import access_authority
from guichet.authorities.models import Authority
from guichet.notifications.models import MessageKind
from guichet.notifications.templating import render as render_message

SAMPLE = {
    "usager": "Camille Exemple", "reference": "EX-2026-000123", "service": "Signalement voirie",
    "etat": "en cours", "lien_suivi": "https://exemple.fr/suivi/EX-2026-000123?cle=…",
    "motif": "Merci de joindre une photo.", "message": "Nous passerons jeudi matin.",
}  # fmt: skip


def _sample(request, authority: str, message_kind: str):
    """An authority's message of this kind, rendered with sample values for an agent of it."""
    found = Authority.objects.filter(slug=authority).first()
    if found is None or message_kind not in MessageKind.values:
        raise Http404("Aperçu introuvable.")
    found = access_authority(request.user, found.pk)
    rendered = render_message(
        authority=found, message_kind=message_kind,
        variables=SAMPLE | {"collectivite": found.name},
        unsubscribe_url="https://exemple.fr/notifications/desabonnement/…/",
    )  # fmt: skip
    return found, rendered


@login_required
def preview(request, authority: str, message_kind: str):
    """How a kind of message reads for an authority's persons, by e-mail and by SMS."""
    found, rendered = _sample(request, authority, message_kind)
    return render(
        request,
        "notifications/preview.html",
        {
            "authority": found,
            "kind": MessageKind(message_kind).label,
            "message_kind": message_kind,
            "message": rendered,
            "title": "Aperçu d'un message",
        },
    )


# The e-mail as sent, in the preview page's frame: e-mail clients need style="" attributes,
# which the site's Content-Security-Policy refuses; this document alone may use them, runs no
# script (sandbox), loads nothing but images from the site, and only the site may frame it.
EMAIL_PREVIEW_POLICY = {
    "default-src": [NONE],
    "style-src": [UNSAFE_INLINE],
    "img-src": [SELF, "data:"],
    "base-uri": [NONE],
    "form-action": [NONE],
    "frame-ancestors": [SELF],
    "sandbox": True,
}


@login_required
@xframe_options_sameorigin
@csp(EMAIL_PREVIEW_POLICY)
def preview_email(request, authority: str, message_kind: str):
    """The HTML e-mail of the preview, framed by `preview`."""
    _found, rendered = _sample(request, authority, message_kind)
    return HttpResponse(rendered.html)
