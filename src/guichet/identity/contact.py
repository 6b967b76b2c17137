"""A resident changes their e-mail address: the new one counts only once proved.

A link is sent to the new address (signed with the person and the address, valid 30 minutes,
usable once); nothing is written before it is used. Opening it replaces the address through
`people.actions.change_email`, at the "e-mail verified" level.
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

from guichet.people.models import Person

SALT = "guichet.identity.change-email"
MAX_AGE = 30 * 60


class InvalidLink(Exception):
    """An expired, tampered or already used confirmation link."""


def send_link(person: Person, email: str) -> None:
    token = signing.TimestampSigner(salt=SALT).sign_object(
        {"person": person.pk, "email": email, "nonce": secrets.token_urlsafe(8)}
    )
    link = settings.GUICHET_BASE_URL + reverse("identity:email_confirm", kwargs={"token": token})
    body = render_to_string(
        "identity/email/confirm_email.txt", {"link": link, "person": person, "minutes": 30}
    )
    send_mail("Confirmez votre nouvelle adresse électronique", body, None, [email])


def read_token(token: str) -> tuple[int, str]:
    """The person and the address the link was made for; raises InvalidLink."""
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        raise InvalidLink from None
    if not isinstance(data, dict) or cache.get(_used_key(token)) is not None:
        raise InvalidLink
    person, email = data.get("person"), data.get("email")
    if not isinstance(person, int) or not isinstance(email, str):
        raise InvalidLink
    return person, email


def consume_token(token: str) -> tuple[int, str]:
    found = read_token(token)
    if not cache.add(_used_key(token), 1, timeout=MAX_AGE + 60):
        raise InvalidLink
    return found


def _used_key(token: str) -> str:
    return "identity:change-email-used:" + hashlib.sha256(token.encode()).hexdigest()
