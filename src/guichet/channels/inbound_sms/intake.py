"""From a provider's webhook call to a request under the triage service.

The authority is the one whose contact number received the SMS (else
GUICHET_INBOUND_SMS_DEFAULT_AUTHORITY); the sender's record is found or created from the
phone number; the text is the request's description, which the triage reads after commit.
"""

from __future__ import annotations

import re

from django.conf import settings

from guichet.authorities.models import Authority
from guichet.cases import actions as cases
from guichet.cases.models import Request
from guichet.core.journal import Actor
from guichet.people import actions as people

ACTOR = Actor.system("SMS entrant")
CHANNEL = "sms"
MAX_TEXT = 1600  # ten concatenated SMS


class SmsRefused(ValueError):
    """An SMS that cannot become a request (French reason)."""


def digits(number: str) -> str:
    """A phone number's national digits (+33 6… and 06… are the same number)."""
    only = re.sub(r"\D", "", number or "")
    if only.startswith("33") and len(only) == 11:
        only = "0" + only[2:]
    return only


def authority_for(number: str) -> Authority | None:
    """The active authority whose contact number is `number`, else the default one."""
    wanted = digits(number)
    if wanted:
        for authority in Authority.objects.filter(is_active=True).exclude(contact_phone=""):
            if digits(authority.contact_phone) == wanted:
                return authority
    default = getattr(settings, "GUICHET_INBOUND_SMS_DEFAULT_AUTHORITY", "")
    if default:
        return Authority.objects.filter(slug=default, is_active=True).first()
    return None


def receive_sms(*, sender: str, recipient: str, text: str) -> Request:
    """File the SMS `text` from `sender` to `recipient` as a request in free text.
    Raises SmsRefused (French) before anything is written."""
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise SmsRefused("Le SMS est vide.")
    if len(text) > MAX_TEXT:
        raise SmsRefused(f"Le SMS dépasse {MAX_TEXT} caractères.")
    authority = authority_for(recipient)
    if authority is None:
        raise SmsRefused(f"Aucune collectivité ne reçoit les SMS du numéro « {recipient} ».")
    try:
        return cases.file_free_text(
            applicant=people.Applicant(phone=sender), channel=CHANNEL, description=text,
            registrar=ACTOR, authority=authority, sender=sender,
        )  # fmt: skip
    except people.IdentifierError as error:
        raise SmsRefused(f"Numéro d'expéditeur invalide : {error}") from error
    except cases.IntakeError as error:
        raise SmsRefused(str(error)) from error
