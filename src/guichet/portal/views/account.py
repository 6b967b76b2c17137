"""Signing in with an e-mail link, "Mes demandes", signing out."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from guichet.cases.selectors import requests_of_person
from guichet.core.ratelimit import hit
from guichet.portal import selectors, sign_in
from guichet.portal.forms import SignInForm
from guichet.portal.session import current_person
from guichet.portal.session import sign_in as open_session
from guichet.portal.views._common import limited, page, too_many_tries

# Links asked per IP address, and sent per address (so nobody floods someone's mailbox).
ASK_LIMIT, ASK_WINDOW = 5, 600
SEND_LIMIT, SEND_WINDOW = 3, 3600


@require_http_methods(["GET", "POST"])
def sign_in_form(request):
    if request.method == "GET":
        return page(request, "portal/sign_in.html", {"title": "Connexion", "form": SignInForm()})
    verdict = limited(request, "sign-in", limit=ASK_LIMIT, window=ASK_WINDOW)
    if not verdict.allowed:
        return too_many_tries(request, verdict)
    form = SignInForm(request.POST)
    if not form.is_valid():
        return page(
            request, "portal/sign_in.html", {"title": "Connexion", "form": form}, status=400
        )
    email = form.cleaned_data["email"]
    identity = selectors.sign_in_identity(email)
    # The same answer whether the address is known or not, and whether it was sent or not.
    if (
        identity is not None
        and hit("portal.sign-in-mail", email, limit=SEND_LIMIT, window=SEND_WINDOW).allowed
    ):
        sign_in.send_link(identity, email=email)
    return page(
        request, "portal/sign_in_sent.html", {"title": "Consultez vos courriels", "email": email}
    )


@require_http_methods(["GET", "POST"])
def sign_in_link(request, token):
    """GET asks for a click (mail scanners follow links); POST uses the link and signs in."""
    try:
        email = (
            sign_in.consume_token(token) if request.method == "POST" else sign_in.read_token(token)
        )
    except sign_in.InvalidLink:
        return page(request, "portal/sign_in_invalid.html", {"title": "Lien expiré"}, status=400)
    identity = selectors.sign_in_identity(email)
    if identity is None:
        return page(request, "portal/sign_in_invalid.html", {"title": "Lien expiré"}, status=400)
    if request.method == "GET":
        return page(request, "portal/sign_in_confirm.html", {"title": "Connexion", "email": email})
    open_session(request, sign_in.person_for(identity))
    messages.success(request, "Vous êtes connecté(e).")
    return redirect("portal:my_requests")


@require_POST
def sign_out(request):
    request.session.flush()
    messages.info(request, "Vous êtes déconnecté(e).")
    return redirect("portal:home")


def my_requests(request):
    person = current_person(request)
    if person is None:
        return redirect("portal:sign_in")
    return page(
        request,
        "portal/my_requests.html",
        {"title": "Mes demandes", "person": person, "filed": requests_of_person(person)},
    )
