"""Residents: signing in with FranceConnect, signing out through it, and « Mon compte »."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guichet.core.journal import Actor
from guichet.core.ratelimit import hit
from guichet.identity import contact, oidc, phone, registry
from guichet.identity.base import Provider, SignInError
from guichet.people.actions import (
    PeopleError,
    change_email,
    change_phone,
    rectify_person,
    sign_in_with_account,
    unlink_account,
)
from guichet.people.actions.rectification import RESIDENT_FIELDS, STATE_NAME, name_from_the_state
from guichet.people.identifiers import IdentifierError, normalise_email, normalise_phone
from guichet.people.models import Identity, Person
from guichet.people.selectors import resolve
from guichet.portal.session import current_person
from guichet.portal.session import sign_in as open_session

logger = logging.getLogger(__name__)

# What the session keeps of a provider's sign-in, for signing out through it.
PROVIDER_KEY = "identity_provider"
ID_TOKEN_KEY = "identity_id_token"  # noqa: S105 (a session key, not a secret)


def _resident_provider(name: str) -> Provider:
    provider = registry.get(name)
    if provider is None or provider.audience != "resident" or not provider.enabled:
        raise Http404("Ce moyen de connexion n'est pas proposé.")
    return provider


def failure(http_request, provider: Provider, error: SignInError, *, base: str):
    """The French page every failed sign-in ends on (never signed in, never a 500)."""
    logger.warning("%s sign-in refused: %s", provider.name, error.reason)
    return render(
        http_request,
        "identity/failure.html",
        {
            "title": f"Connexion avec {provider.label} impossible",
            "provider": provider,
            "message": error.message,
            "base": base,
            "retry_url": reverse("portal:sign_in")
            if base == "portal/base.html"
            else reverse("identity:agent_login"),
        },
        status=error.status,
    )


@require_POST
def start(http_request, provider: str):
    """The FranceConnect button: off to the provider's page."""
    chosen = _resident_provider(provider)
    redirect_uri = settings.GUICHET_BASE_URL + reverse(
        "identity:callback", kwargs={"provider": chosen.name}
    )
    try:
        return redirect(oidc.begin(http_request, chosen, redirect_uri=redirect_uri))
    except SignInError as error:
        return failure(http_request, chosen, error, base="portal/base.html")


@require_GET
def callback(http_request, provider: str):
    """The provider sends the browser back here with a code and our state."""
    chosen = _resident_provider(provider)
    try:
        proof = oidc.finish(http_request, chosen)
        claims = proof.claims
        outcome = sign_in_with_account(
            provider=chosen.name,
            subject=proof.subject,
            email=claims.get("email"),
            first_name=str(claims.get("given_name") or "").split(" ")[0][:120],
            last_name=str(claims.get("family_name") or "")[:120],
        )
    except SignInError as error:
        return failure(http_request, chosen, error, base="portal/base.html")
    except PeopleError as error:
        return failure(
            http_request, chosen, SignInError(str(error), reason=repr(error)),
            base="portal/base.html",
        )  # fmt: skip
    open_session(http_request, outcome.person)
    http_request.session[PROVIDER_KEY] = chosen.name
    http_request.session[ID_TOKEN_KEY] = proof.id_token
    messages.success(http_request, f"Vous êtes connecté(e) avec {chosen.label}.")
    return redirect("portal:my_requests")


def end_session(http_request, chosen: Provider, return_view: str) -> str | None:
    """Sign out here (the session flushed), and the provider's end-session address that will
    send the browser back to `return_view` (None when the provider offers none)."""
    id_token = http_request.session.get(ID_TOKEN_KEY, "")
    http_request.session.flush()
    return oidc.logout_url(
        http_request,
        chosen,
        id_token=id_token,
        post_logout_redirect_uri=settings.GUICHET_BASE_URL
        + reverse(return_view, kwargs={"provider": chosen.name}),
    )


@require_POST
def sign_out(http_request, provider: str):
    """Sign out here at once, then at the provider (its end-session page sends the browser
    back to `logout_return`)."""
    url = end_session(http_request, _resident_provider(provider), "identity:logout_return")
    if url is None:
        messages.info(http_request, "Vous êtes déconnecté(e).")
        return redirect("portal:home")
    return redirect(url)


@require_GET
def logout_return(http_request, provider: str):
    chosen = _resident_provider(provider)
    if oidc.check_logout_return(http_request, chosen):
        messages.info(http_request, f"Vous êtes déconnecté(e), ici et de {chosen.label}.")
    else:
        messages.info(http_request, "Vous êtes déconnecté(e).")
    return redirect("portal:home")


def account(http_request):
    """« Mon compte » : how the person is known (identities, linked accounts), with unlinking."""
    person = current_person(http_request)
    if person is None:
        return redirect("portal:sign_in")
    identities = list(person.identities.order_by("kind", "provider", "value"))
    accounts = [
        (identity, registry.get(identity.provider))
        for identity in identities
        if identity.kind == Identity.Kind.ACCOUNT
    ]
    return render(
        http_request,
        "identity/account.html",
        {
            "title": "Mon compte",
            "signed_in_person": person,
            "person": person,
            "identities": [i for i in identities if i.kind != Identity.Kind.ACCOUNT],
            "accounts": accounts,
            "merged": list(person.merged_from.order_by("pk")),
            "signed_in_with": registry.get(http_request.session.get(PROVIDER_KEY, "")),
            "name_from_the_state": name_from_the_state(person),
            "state_name": STATE_NAME,
            "phone_pending": phone.pending(person),
        },
    )


@require_POST
def details(http_request):
    """The person corrects their name (unless the State vouches for it) and postal address."""
    person = current_person(http_request)
    if person is None:
        return redirect("portal:sign_in")
    changes = {f: http_request.POST[f] for f in RESIDENT_FIELDS if f in http_request.POST}
    try:
        done = rectify_person(actor=Actor.person(person), person=person, changes=changes,
                              channel="web")  # fmt: skip
    except PeopleError as error:
        messages.error(http_request, str(error))
        return redirect("identity:account")
    if done.changed:
        messages.success(http_request, "Vos informations ont été corrigées.")
    else:
        messages.info(http_request, "Rien n'a changé.")
    return redirect("identity:account")


# Codes asked per person: a few a day (each sends an SMS, which costs, to a number they typed).
PHONE_CHANGE_LIMIT, PHONE_CHANGE_WINDOW = 5, 86400


@require_POST
def phone_change(http_request):
    """Ask to change the phone number: a code goes to the new number by SMS."""
    person = current_person(http_request)
    if person is None:
        return redirect("portal:sign_in")
    try:
        number = normalise_phone(http_request.POST.get("phone", ""))
    except IdentifierError as error:
        messages.error(http_request, str(error))
        return redirect("identity:account")
    if not hit("identity.phone-change", str(person.pk), limit=PHONE_CHANGE_LIMIT,
               window=PHONE_CHANGE_WINDOW).allowed:  # fmt: skip
        messages.error(http_request, "Trop de codes demandés aujourd'hui. Réessayez demain.")
        return redirect("identity:account")
    try:
        phone.send_code(person, number)
    except phone.SmsNotSent as error:
        messages.error(http_request, str(error))
        return redirect("identity:account")
    return redirect("identity:phone_confirm")


@require_http_methods(["GET", "POST"])
def phone_confirm(http_request):
    """Type the code received by SMS: the number changes only then."""
    person = current_person(http_request)
    if person is None:
        return redirect("portal:sign_in")
    waiting = phone.pending(person)
    if http_request.method == "POST":
        try:
            number = phone.check_code(person, http_request.POST.get("code", ""))
            change_phone(person=person, phone=number)
        except (phone.CodeRefused, PeopleError, IdentifierError) as error:
            messages.error(http_request, str(error))
            waiting = phone.pending(person)
            if waiting is None:
                return redirect("identity:account")
        else:
            messages.success(http_request, "Votre numéro de téléphone est confirmé.")
            return redirect("identity:account")
    if waiting is None:
        messages.info(http_request, "Aucun code en attente : demandez-en un nouveau.")
        return redirect("identity:account")
    return render(
        http_request,
        "identity/phone_confirm.html",
        {"title": "Confirmer mon numéro de téléphone", "pending": waiting,
         "signed_in_person": person},
    )  # fmt: skip


@require_POST
def unlink(http_request, provider: str):
    person = current_person(http_request)
    if person is None:
        return redirect("portal:sign_in")
    chosen = registry.get(provider)
    if chosen is None or chosen.audience != "resident":
        raise Http404("Ce compte n'existe pas.")
    if unlink_account(person=person, provider=chosen.name):
        messages.success(
            http_request,
            f"Votre compte {chosen.label} n'est plus lié. Vous pourrez le lier de nouveau "
            f"en vous connectant avec {chosen.label}.",
        )
    return redirect("identity:account")


# Links asked per person: a few a day (each sends an e-mail to an address they typed).
EMAIL_CHANGE_LIMIT, EMAIL_CHANGE_WINDOW = 5, 86400


@require_POST
def email_change(http_request):
    """Ask to change the e-mail: a confirmation link goes to the new address."""
    person = current_person(http_request)
    if person is None:
        return redirect("portal:sign_in")
    try:
        email = normalise_email(http_request.POST.get("email", ""))
    except IdentifierError as error:
        messages.error(http_request, str(error))
        return redirect("identity:account")
    if not hit(
        "identity.email-change",
        str(person.pk),
        limit=EMAIL_CHANGE_LIMIT,
        window=EMAIL_CHANGE_WINDOW,
    ).allowed:
        messages.error(
            http_request, "Trop de demandes de changement aujourd'hui. Réessayez demain."
        )
        return redirect("identity:account")
    contact.send_link(person, email)
    messages.info(
        http_request,
        f"Un lien de confirmation a été envoyé à {email}. Votre adresse ne change qu'une fois "
        "ce lien ouvert.",
    )
    return redirect("identity:account")


@require_http_methods(["GET", "POST"])
def email_confirm(http_request, token: str):
    """The link of the e-mail: GET asks for a click (mail scanners follow links), POST changes."""
    try:
        if http_request.method == "POST":
            person_id, email = contact.consume_token(token)
        else:
            person_id, email = contact.read_token(token)
    except contact.InvalidLink:
        return _email_refused(http_request, "Ce lien a expiré ou a déjà servi.")
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return _email_refused(http_request, "Ce lien a expiré ou a déjà servi.")
    person = resolve(person)
    if http_request.method == "GET":
        return render(
            http_request,
            "identity/email_confirm.html",
            {"title": "Confirmer ma nouvelle adresse", "email": email,
             "signed_in_person": current_person(http_request)},
        )  # fmt: skip
    try:
        change_email(person=person, email=email)
    except (PeopleError, IdentifierError) as error:
        return _email_refused(http_request, str(error))
    messages.success(http_request, f"Votre adresse électronique est désormais {email}.")
    return redirect("identity:account" if current_person(http_request) else "portal:sign_in")


def _email_refused(http_request, message: str):
    return render(
        http_request,
        "identity/email_invalid.html",
        {"title": "Adresse non confirmée", "message": message,
         "signed_in_person": current_person(http_request)},
        status=400,
    )  # fmt: skip
