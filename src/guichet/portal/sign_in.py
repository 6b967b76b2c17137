"""Sign-in links for persons: signed, valid 30 minutes, usable once.

The token carries the e-mail address (signed with the SECRET_KEY and a timestamp); the
identity is looked up again when the link is used, so a link never outlives a merge.
Single use: the first use stores a marker in the shared cache until the token expires.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from guichet.core.journal import Actor
from guichet.people.actions import IdentityConflict, verify_identity
from guichet.people.models import Identity, Person, Verification

SALT = "guichet.portal.sign-in"
MAX_AGE = 30 * 60


class InvalidLink(Exception):
    """An expired, tampered or already used sign-in link."""


def make_token(email: str) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object(
        {"email": email, "nonce": secrets.token_urlsafe(8)}
    )


def read_token(token: str) -> str:
    """The e-mail address the token was made for; raises InvalidLink."""
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        raise InvalidLink from None
    if not isinstance(data, dict) or not isinstance(data.get("email"), str):
        raise InvalidLink
    if cache.get(_used_key(token)) is not None:
        raise InvalidLink
    return data["email"]


def consume_token(token: str) -> str:
    """Like read_token, and mark the token used (atomically: two clicks, one sign-in)."""
    email = read_token(token)
    if not cache.add(_used_key(token), 1, timeout=MAX_AGE + 60):
        raise InvalidLink
    return email


def send_link(identity: Identity, *, email: str) -> None:
    link = settings.GUICHET_BASE_URL + reverse(
        "portal:sign_in_link", kwargs={"token": make_token(email)}
    )
    body = render_to_string(
        "portal/email/sign_in.txt", {"link": link, "person": identity.person, "minutes": 30}
    )
    send_mail("Votre lien de connexion à Guichet", body, None, [email])


def person_for(identity: Identity) -> Person:
    """Sign-in proves the address: raise a declared identity to "e-mail verified". When the
    address is already verified for someone else, that owner is who signs in."""
    if identity.verification >= Verification.EMAIL_VERIFIED:
        return identity.person
    try:
        verify_identity(
            actor=Actor.person(identity.person),
            identity=identity,
            level=Verification.EMAIL_VERIFIED,
        )
    except IdentityConflict as conflict:
        return conflict.owner
    return identity.person


def _used_key(token: str) -> str:
    return "portal:sign-in-used:" + hashlib.sha256(token.encode()).hexdigest()
