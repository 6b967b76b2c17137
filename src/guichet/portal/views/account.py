"""Signing in with an e-mail link, "Mes demandes", signing out."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from guichet.cases.selectors import requests_of_person
from guichet.core.ratelimit import hit
from guichet.portal import selectors, sign_in
from guichet.portal.forms import SignInForm
from guichet.portal.session import current_person
from guichet.portal.session import sign_in as open_session
from guichet.portal.views._common import leave_secret_url, limited, page, too_many_tries

# Links asked per IP address, and sent per address (so nobody floods someone's mailbox).
ASK_LIMIT, ASK_WINDOW = 5, 600
SEND_LIMIT, SEND_WINDOW = 3, 3600
# The sign-in link's token, kept in the session between the link and its confirmation.
LINK_TOKEN_KEY = "portal_sign_in_token"  # noqa: S105 (a session key, not a secret)


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
    """The link of the e-mail. GET moves the token into the session and redirects to the
    confirmation page, whose URL holds no secret (nor the e-mail address the token carries);
    a POST here (a form of an older page) signs in at once."""
    if request.method == "POST":
        return _use_link(request, token)
    request.session[LINK_TOKEN_KEY] = token
    return leave_secret_url(reverse("portal:sign_in_confirm"))


@require_http_methods(["GET", "POST"])
def sign_in_confirm(request):
    """GET asks for a click (mail scanners follow links); POST uses the link and signs in."""
    token = request.session.get(LINK_TOKEN_KEY)
    if request.method == "POST":
        return _use_link(request, token)
    try:
        email = sign_in.read_token(token or "")
    except sign_in.InvalidLink:
        return _invalid_link(request)
    if selectors.sign_in_identity(email) is None:
        return _invalid_link(request)
    return page(request, "portal/sign_in_confirm.html", {"title": "Connexion", "email": email})


def _use_link(request, token):
    request.session.pop(LINK_TOKEN_KEY, None)
    try:
        email = sign_in.consume_token(token or "")
    except sign_in.InvalidLink:
        return _invalid_link(request)
    identity = selectors.sign_in_identity(email)
    if identity is None:
        return _invalid_link(request)
    open_session(request, sign_in.person_for(identity))
    messages.success(request, "Vous êtes connecté(e).")
    return redirect("portal:my_requests")


def _invalid_link(request):
    return page(request, "portal/sign_in_invalid.html", {"title": "Lien expiré"}, status=400)


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
