"""The two signed links of a person's messages: unsubscribing, and managing preferences.

- The **unsubscribe** link is in every message (its footer, the `List-Unsubscribe` header,
  the SMS "STOP"). It never expires and can only unsubscribe: from everything, or, in a
  broadcast, from the authority's information (RFC 8058 one-click for broadcasts).
- The **preferences** link opens the page of a person's choices without signing in. It is
  sent on request by e-mail to the person's own address and expires after
  `PREFERENCES_MAX_AGE`; an unsubscribe token never opens that page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from guichet.core.ratelimit import hit

SALT = "guichet.notifications.optout"
PREFERENCES_SALT = "guichet.notifications.preferences"
PREFERENCES_MAX_AGE = 30 * 24 * 3600
PREFERENCES_DAYS = PREFERENCES_MAX_AGE // (24 * 3600)
# Preference links sent per person: enough to retry, too few to flood a mailbox.
SEND_LIMIT, SEND_WINDOW = 3, 3600


@dataclass(frozen=True)
class Unsubscribe:
    person_id: int
    broadcast_only: bool  # a broadcast's link: stop the authority's information only


def token_for(person_id: int, *, broadcast: bool = False) -> str:
    return signing.dumps(
        {"p": person_id, "b": 1} if broadcast else {"p": person_id}, salt=SALT, compress=True
    )


def unsubscribe_from(token: str) -> Unsubscribe | None:
    """What an unsubscribe link was made for, or None for a forged or damaged link."""
    try:
        data = signing.loads(token, salt=SALT)
        return Unsubscribe(person_id=int(data["p"]), broadcast_only=bool(data.get("b")))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def person_id_from(token: str) -> int | None:
    found = unsubscribe_from(token)
    return found.person_id if found else None


@lru_cache(maxsize=1)
def _path_around_token() -> tuple[str, str]:
    # reverse() per message was a third of a 100,000-person broadcast's enqueue time.
    prefix, suffix = reverse("notifications:optout", kwargs={"token": "T"}).rsplit("T", 1)
    return prefix, suffix


def url_for(person_id: int, *, broadcast: bool = False) -> str:
    prefix, suffix = _path_around_token()
    return f"{settings.GUICHET_BASE_URL}{prefix}{token_for(person_id, broadcast=broadcast)}{suffix}"


class ExpiredLink(Exception):
    """A preferences link past its age, or an unsubscribe link used as one: the person it
    names can be sent a new link to their own address."""

    def __init__(self, person_id: int) -> None:
        self.person_id = person_id


def preferences_token_for(person_id: int) -> str:
    return signing.TimestampSigner(salt=PREFERENCES_SALT).sign_object({"p": person_id})


def preferences_person_from(token: str) -> int | None:
    """The person a preferences link opens; None for a forged link; ExpiredLink when it is
    too old, or an unsubscribe link (which never opens the preferences)."""
    signer = signing.TimestampSigner(salt=PREFERENCES_SALT)
    try:
        return int(signer.unsign_object(token, max_age=PREFERENCES_MAX_AGE)["p"])
    except signing.SignatureExpired:
        try:
            raise ExpiredLink(int(signer.unsign_object(token)["p"])) from None
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            return None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        pass
    unsubscribe = unsubscribe_from(token)
    if unsubscribe is not None:
        raise ExpiredLink(unsubscribe.person_id)
    return None


def preferences_url_for(person_id: int) -> str:
    path = reverse("portal:preferences_link", kwargs={"token": preferences_token_for(person_id)})
    return settings.GUICHET_BASE_URL + path


def send_preferences_link(person) -> bool:
    """E-mail a new preferences link to the person's own address; whether one was sent (no
    e-mail address, or too many links asked within the hour: none)."""
    address = (
        person.identities.filter(kind="email").order_by("-verification", "pk")
        .values_list("value", flat=True).first()
    )  # fmt: skip
    if not address:
        return False
    if not hit("notifications.preferences-link", str(person.pk), limit=SEND_LIMIT,
               window=SEND_WINDOW).allowed:  # fmt: skip
        return False
    body = render_to_string(
        "notifications/email/preferences_link.txt",
        {"link": preferences_url_for(person.pk), "person": person, "days": PREFERENCES_DAYS},
    )
    send_mail("Gérer vos notifications", body, None, [address])
    return True
