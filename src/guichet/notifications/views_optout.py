"""The unsubscribe link of every message, with RFC 8058 one-click unsubscription.

GET only shows what the link does (mail scanners fetch links): nothing changes. A POST
unsubscribes: from the confirmation page's button, or from the mail client itself, which
posts `List-Unsubscribe=One-Click` to the `List-Unsubscribe` URL of a broadcast, with no
cookie, no session and no CSRF token. The signed token in the URL is what authenticates
(RFC 8058 §3.2), hence `csrf_exempt` on this view only.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from guichet.core.journal import Actor
from guichet.notifications import optout
from guichet.people.actions import record_consent
from guichet.people.models import Consent, Person

ONE_CLICK = "One-Click"


@csrf_exempt
@require_http_methods(["GET", "POST"])
def opt_out(request, token: str):
    unsubscribe = optout.unsubscribe_from(token)
    person = (
        Person.objects.filter(pk=unsubscribe.person_id, merged_into__isnull=True).first()
        if unsubscribe is not None
        else None
    )
    if person is None or unsubscribe is None:
        return render(
            request, "portal/not_found.html",
            {"title": "Lien invalide", "message": "Ce lien de désabonnement n'est pas valide."},
            status=404,
        )  # fmt: skip
    context = {
        "title": "Désabonnement",
        "token": token,
        "broadcast_only": unsubscribe.broadcast_only,
        "done": False,
        "link_sent": None,
    }
    if request.method == "POST":
        if request.POST.get("action") == "lien-preferences":
            context["link_sent"] = optout.send_preferences_link(person)
        else:
            _unsubscribe(person, unsubscribe, one_click=_is_one_click(request))
            if _is_one_click(request):
                return HttpResponse("Désabonnement enregistré.", content_type="text/plain")
            context["done"] = True
    response = render(request, "notifications/opt_out.html", context)
    response["Referrer-Policy"] = "no-referrer"
    return response


def _is_one_click(request) -> bool:
    return request.POST.get("List-Unsubscribe") == ONE_CLICK


def _unsubscribe(person: Person, unsubscribe: optout.Unsubscribe, *, one_click: bool) -> None:
    purpose = (
        Consent.Purpose.BROADCAST if unsubscribe.broadcast_only else Consent.Purpose.NOTIFICATIONS
    )
    record_consent(
        actor=Actor.person(person), person=person, purpose=purpose, granted=False,
        source="désabonnement en un clic" if one_click else "lien de désabonnement",
    )  # fmt: skip
