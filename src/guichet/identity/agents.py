"""Agents: the password sign-in with its second factor (TOTP), and ProConnect.

The password is checked by Django's form (django-axes counts the failures and locks out);
an agent with a confirmed TOTP device is signed in only after a valid code. When
GUICHET_AGENT_TOTP is on, an agent without one enrols first (QR code, then a code), before
being signed in. ProConnect signs in an existing agent account whose professional e-mail it
vouches for, never a new one.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model, login
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guichet.identity import oidc, registry, totp
from guichet.identity.base import Provider, SignInError
from guichet.identity.views import ID_TOKEN_KEY, PROVIDER_KEY, end_session, failure

# A password checked waits this long at most for its second factor.
PENDING_SECONDS = 300
PENDING_KEY = "identity_pending_agent"
BACKOFFICE = "backoffice/base.html"


@sensitive_post_parameters()
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def password_sign_in(http_request):
    """Step one: user name and password (the admin's login page is this one too)."""
    next_url = _safe_next(http_request)
    form = AuthenticationForm(http_request, data=http_request.POST or None)
    if http_request.method == "POST" and form.is_valid():
        user = form.get_user()
        device = totp.confirmed_device(user)
        if device is None and not settings.GUICHET_AGENT_TOTP:
            login(http_request, user)
            return redirect(next_url)
        http_request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "next": next_url,
            "at": time.time(),
        }
        return redirect("identity:agent_code" if device else "identity:agent_enrol")
    return render(
        http_request,
        "backoffice/login.html",
        {
            "form": form,
            "next": next_url,
            "providers": registry.enabled("agent"),
        },
        status=200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor(http_request):
    """Step two: the six-digit code of the agent's authenticator app."""
    pending, user = _pending(http_request)
    if user is None:
        return redirect("identity:agent_login")
    device = totp.confirmed_device(user)
    if device is None:
        return redirect("identity:agent_enrol")
    error = ""
    if http_request.method == "POST":
        if totp.verify(device, http_request.POST.get("code", "")):
            return _finish_password_sign_in(http_request, pending, user, device)
        error = "Ce code n'est pas valide. Saisissez le code à 6 chiffres affiché maintenant."
    return render(
        http_request,
        "identity/second_factor.html",
        {"title": "Double authentification", "error": error},
        status=200,  # as a wrong password: the same form again, with the error
    )


@never_cache
@require_http_methods(["GET", "POST"])
def enrol(http_request):
    """Set up the authenticator app: a QR code, then a first code that proves it works.

    Reached after the password (before being signed in), or signed in from the agents' menu.
    """
    pending, user = _pending(http_request)
    if user is None and http_request.user.is_authenticated:
        user = http_request.user
    if user is None:
        return redirect("identity:agent_login")
    if totp.confirmed_device(user) is not None and pending is None:
        messages.info(http_request, "La double authentification est déjà activée.")
        return redirect("backoffice:home")
    device = totp.unconfirmed_device(user)
    error = ""
    if http_request.method == "POST":
        if totp.confirm(device, http_request.POST.get("code", ""), by=user):
            if pending is not None:
                return _finish_password_sign_in(http_request, pending, user, device)
            messages.success(http_request, "La double authentification est activée.")
            return redirect("backoffice:home")
        error = (
            "Ce code n'est pas valide. Saisissez le code à 6 chiffres affiché par l'application."
        )
    return render(
        http_request,
        "identity/enrol.html",
        {
            "title": "Activer la double authentification",
            "qr_svg": totp.qr_svg(device, account=user.get_username()),
            "secret": totp.secret_text(device),
            "error": error,
        },
        status=200,  # as a wrong password: the same form again, with the error
    )


# --- ProConnect ------------------------------------------------------------------------------


def _agent_provider(name: str) -> Provider:
    provider = registry.get(name)
    if provider is None or provider.audience != "agent" or not provider.enabled:
        raise Http404("Ce moyen de connexion n'est pas proposé.")
    return provider


@require_POST
def provider_start(http_request, provider: str):
    chosen = _agent_provider(provider)
    redirect_uri = settings.GUICHET_BASE_URL + reverse(
        "identity:agent_callback", kwargs={"provider": chosen.name}
    )
    http_request.session["identity_agent_next"] = _safe_next(http_request)
    try:
        return redirect(oidc.begin(http_request, chosen, redirect_uri=redirect_uri))
    except SignInError as error:
        return failure(http_request, chosen, error, base=BACKOFFICE)


@require_GET
def provider_callback(http_request, provider: str):
    chosen = _agent_provider(provider)
    try:
        proof = oidc.finish(http_request, chosen)
        user = _agent_for(chosen, proof.claims)
    except SignInError as error:
        return failure(http_request, chosen, error, base=BACKOFFICE)
    next_url = http_request.session.get("identity_agent_next") or reverse("backoffice:home")
    login(http_request, user, backend="django.contrib.auth.backends.ModelBackend")
    http_request.session[PROVIDER_KEY] = chosen.name
    http_request.session[ID_TOKEN_KEY] = proof.id_token
    totp.record_provider_sign_in(user, provider=chosen.name)
    return redirect(next_url)


@require_POST
def provider_sign_out(http_request, provider: str):
    url = end_session(http_request, _agent_provider(provider), "identity:agent_logout_return")
    return redirect(url or reverse("portal:home"))


@require_GET
def provider_logout_return(http_request, provider: str):
    chosen = _agent_provider(provider)
    oidc.check_logout_return(http_request, chosen)
    messages.info(http_request, "Vous êtes déconnecté(e).")
    return redirect("portal:home")


def _agent_for(provider: Provider, claims: dict):
    """The active agent account with the professional e-mail the provider vouches for."""
    email = str(claims.get("email") or "").strip()
    if not email or claims.get("email_verified") is False:
        raise SignInError(
            f"{provider.label} n'a pas transmis d'adresse électronique professionnelle vérifiée.",
            status=403,
            reason="no verified e-mail",
        )
    matches = list(get_user_model().objects.filter(email__iexact=email, is_active=True)[:2])
    if len(matches) != 1:
        raise SignInError(
            f"Aucun compte agent n'est ouvert ici pour l'adresse {email}. Une connexion "
            f"{provider.label} ne crée pas de compte : demandez à l'administrateur de votre "
            "collectivité de vous ajouter comme agent avec cette adresse.",
            status=403,
            reason="no single agent account with that e-mail",
        )
    return matches[0]


# --- shared steps ----------------------------------------------------------------------------


def _pending(http_request):
    pending = http_request.session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        http_request.session.pop(PENDING_KEY, None)
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return (pending, user) if user is not None else (None, None)


def _finish_password_sign_in(http_request, pending: dict, user, device):
    http_request.session.pop(PENDING_KEY, None)
    login(http_request, user, backend=pending["backend"])
    totp.mark_verified(http_request, device)
    return redirect(pending["next"])


def _safe_next(http_request) -> str:
    candidate = http_request.POST.get(REDIRECT_FIELD_NAME) or http_request.GET.get(
        REDIRECT_FIELD_NAME, ""
    )
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={http_request.get_host()}, require_https=http_request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)
