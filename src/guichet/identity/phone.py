"""A resident changes their phone number: the new one counts only once proved.

A 6-digit code goes to the new number by SMS, through the notification SMS transport
(`GUICHET_SMS_TRANSPORT`); it is valid 10 minutes, allows 5 tries and serves once. What waits
for the code (the number, a keyed hash of the code, when it was sent) is kept in the cache,
per person: nothing is written on the record before the code is typed, then
`people.actions.change_phone` replaces the number at the "SMS verified" level.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac

from guichet.core import clock
from guichet.core.plurals import ngettext
from guichet.notifications.transports.base import SmsMessage, TransportError
from guichet.notifications.transports.registry import sms_transports
from guichet.people.models import Person

VALIDITY = timedelta(minutes=10)
MAX_TRIES = 5
SALT = "guichet.identity.change-phone"


class CodeRefused(Exception):
    """A wrong, expired, exhausted or already used code; the message is French."""


class SmsNotSent(Exception):
    """The gateway refused or could not be reached; the message is French."""


@dataclass(frozen=True)
class Pending:
    phone: str
    tries_left: int


def send_code(person: Person, phone: str) -> None:
    """Send a new code to `phone` (E.164) for `person`; the previous code, if any, dies."""
    code = f"{secrets.randbelow(10**6):06d}"
    sent_at = clock.now()
    nonce = secrets.token_hex(8)
    text = (
        f"{settings.GUICHET_OPERATOR_NAME} : votre code de confirmation est {code}. "
        "Il est valable 10 minutes. Ne le communiquez à personne."
    )
    try:
        sms_transports[settings.GUICHET_SMS_TRANSPORT].send(
            SmsMessage(to=phone, text=text, sender=settings.GUICHET_SMS_SENDER,
                       idempotency_key=f"phone-change-{person.pk}-{nonce}"),
            settings.GUICHET_SMS_OPTIONS,
        )  # fmt: skip
    except (TransportError, KeyError) as failure:
        raise SmsNotSent(
            "Le SMS n'a pas pu être envoyé. Vérifiez le numéro ou réessayez dans quelques minutes."
        ) from failure
    timeout = int(VALIDITY.total_seconds()) + 60
    cache.set(
        _key(person),
        {"phone": phone, "digest": _digest(person, nonce, code), "nonce": nonce,
         "sent_at": sent_at.timestamp()},
        timeout=timeout,
    )  # fmt: skip
    cache.set(_tries_key(person, nonce), 0, timeout=timeout)


def pending(person: Person) -> Pending | None:
    """The number waiting for its code, if a live code was sent."""
    data = cache.get(_key(person))
    if not isinstance(data, dict) or _expired(data):
        return None
    tries = cache.get(_tries_key(person, data["nonce"])) or 0
    return Pending(phone=data["phone"], tries_left=max(MAX_TRIES - int(tries), 0))


def check_code(person: Person, code: object) -> str:
    """The number `code` proves for `person`, consuming the code; raises CodeRefused."""
    data = cache.get(_key(person))
    if not isinstance(data, dict):
        raise CodeRefused("Aucun code en attente : demandez-en un nouveau.")
    if _expired(data):
        cache.delete(_key(person))
        raise CodeRefused("Ce code a expiré (10 minutes) : demandez-en un nouveau.")
    nonce = data["nonce"]
    try:
        tries = cache.incr(_tries_key(person, nonce))
    except ValueError:  # the counter expired with the code
        raise CodeRefused("Ce code a expiré (10 minutes) : demandez-en un nouveau.") from None
    if tries > MAX_TRIES:
        cache.delete(_key(person))
        raise CodeRefused("Trop d'essais : ce code ne vaut plus. Demandez-en un nouveau.")
    typed = "".join(str(code).split()) if isinstance(code, str) else ""
    if not (len(typed) == 6 and typed.isdigit()) or not constant_time_compare(
        _digest(person, nonce, typed), data["digest"]
    ):
        left = MAX_TRIES - tries
        if left <= 0:
            cache.delete(_key(person))
            raise CodeRefused("Code incorrect. Trop d'essais : demandez un nouveau code.")
        raise CodeRefused(
            "Code incorrect. "
            + ngettext("Il vous reste {n} essai.", "Il vous reste {n} essais.", left).format(n=left)
        )
    # Served once: only the first of two simultaneous right answers gets past this.
    if not cache.add(
        f"identity:phone-code-used:{nonce}", 1, timeout=int(VALIDITY.total_seconds()) + 60
    ):
        raise CodeRefused("Ce code a déjà servi.")
    cache.delete(_key(person))
    return str(data["phone"])


def _expired(data: dict) -> bool:
    return clock.now().timestamp() - float(data.get("sent_at", 0)) > VALIDITY.total_seconds()


def _digest(person: Person, nonce: str, code: str) -> str:
    return salted_hmac(SALT, f"{person.pk}:{nonce}:{code}", algorithm="sha256").hexdigest()


def _key(person: Person) -> str:
    return f"identity:phone-code:{person.pk}"


def _tries_key(person: Person, nonce: str) -> str:
    return f"identity:phone-code-tries:{person.pk}:{nonce}"
