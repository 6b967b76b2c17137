"""One-time participation: a resident proves an e-mail or a phone with a 6-digit code and
takes part without an account.

The code follows `identity.phone`'s rules (valid 10 minutes, 5 tries, served once, a keyed
hash in the cache, never the code itself); it is keyed by a random `ticket` the portal keeps
in the session. Once the code is right, `confirm` finds the person the verified identity
proves, or creates one (`people.actions.find_or_create_person`, verified level): her ideas
and supports are that person's, so signing in later with the same address finds them, and a
different account can take them over (`actions.consultations.attach_participations`).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from guichet.core import clock, journal
from guichet.core.journal import Actor
from guichet.core.plurals import ngettext
from guichet.notifications.transports.base import SmsMessage, TransportError
from guichet.notifications.transports.registry import sms_transports
from guichet.participation.refusals import Refused
from guichet.people.actions import IdentifierError, find_or_create_person, normalise_identity
from guichet.people.models import Identity, Person, Verification

VALIDITY_SECONDS = 600
MAX_TRIES = 5
SALT = "guichet.participation.one-time"
VERIFIED = "participation.one-time-verified"
LEVEL = {Identity.Kind.EMAIL: Verification.EMAIL_VERIFIED,
         Identity.Kind.PHONE: Verification.SMS_VERIFIED}  # fmt: skip


def send_code(kind: str, value: object) -> str:
    """Send a code to the e-mail or phone `value`; the ticket to keep in the session."""
    if kind not in LEVEL:
        raise Refused.field("kind", "Choisissez le courriel ou le SMS.")
    field = "email" if kind == Identity.Kind.EMAIL else "phone"
    try:
        address = normalise_identity(kind, value if isinstance(value, str) else "")
    except IdentifierError as error:
        raise Refused.field(field, str(error)) from None
    code = f"{secrets.randbelow(10**6):06d}"
    ticket = secrets.token_urlsafe(16)
    text = (f"{settings.GUICHET_OPERATOR_NAME} : votre code de participation est {code}. "
            "Il est valable 10 minutes. Ne le communiquez à personne.")  # fmt: skip
    if kind == Identity.Kind.EMAIL:
        send_mail("Votre code de participation", text, None, [address])
    else:
        try:
            sms_transports[settings.GUICHET_SMS_TRANSPORT].send(
                SmsMessage(to=address, text=text, sender=settings.GUICHET_SMS_SENDER,
                           idempotency_key=f"participation-code-{ticket}"),
                settings.GUICHET_SMS_OPTIONS,
            )  # fmt: skip
        except (TransportError, KeyError) as failure:
            raise Refused.field(
                "phone", "Le SMS n'a pas pu être envoyé. Vérifiez le numéro ou réessayez."
            ) from failure
    cache.set(_key(ticket), {"kind": kind, "value": address, "digest": _digest(ticket, code),
                             "sent_at": clock.now().timestamp()},
              timeout=VALIDITY_SECONDS + 60)  # fmt: skip
    cache.set(_key(ticket) + ":tries", 0, timeout=VALIDITY_SECONDS + 60)
    return ticket


def pending_address(ticket: str | None) -> str:
    data = cache.get(_key(ticket)) if ticket else None
    return data["value"] if isinstance(data, dict) else ""


@transaction.atomic
def confirm(ticket: str | None, code: object) -> Person:
    """The person the code proves (found or created); Refused("code") otherwise."""
    data = cache.get(_key(ticket)) if ticket else None
    if not isinstance(data, dict):
        raise Refused.field("code", "Aucun code en attente : demandez-en un nouveau.")
    if clock.now().timestamp() - data["sent_at"] > VALIDITY_SECONDS:
        raise Refused.field("code", "Ce code a expiré (10 minutes) : demandez-en un nouveau.")
    try:
        tries = cache.incr(_key(ticket) + ":tries")
    except ValueError:
        raise Refused.field("code", "Ce code a expiré : demandez-en un nouveau.") from None
    typed = "".join(code.split()) if isinstance(code, str) else ""
    if tries > MAX_TRIES:
        cache.delete(_key(ticket))
        raise Refused.field("code", "Trop d'essais : demandez un nouveau code.")
    if not constant_time_compare(_digest(ticket, typed), data["digest"]):
        left = MAX_TRIES - tries
        raise Refused.field("code", "Code incorrect. " + ngettext(
            "Il vous reste {n} essai.", "Il vous reste {n} essais.", left).format(n=left))  # fmt: skip
    if not cache.add(_key(ticket) + ":used", 1, timeout=VALIDITY_SECONDS + 60):
        raise Refused.field("code", "Ce code a déjà servi.")
    cache.delete(_key(ticket))
    kind, value = data["kind"], data["value"]
    found = find_or_create_person(
        actor=Actor.system("participation"), verification=LEVEL[kind], channel="web",
        **{"email" if kind == Identity.Kind.EMAIL else "phone": value},
    )  # fmt: skip
    journal.append(kind=VERIFIED, actor=Actor.person(found.person),
                   payload={"kind": kind, "created": found.created})  # fmt: skip
    return found.person


def _digest(ticket: str, code: str) -> str:
    return salted_hmac(SALT, f"{ticket}:{code}", algorithm="sha256").hexdigest()


def _key(ticket: str | None) -> str:
    return f"participation:one-time:{ticket}"
