"""The briefings' writes: a remit for an elected official, its end, a briefing sent.

One transaction and one journal event each (creating a remit may also create the official's
person record, with its own `person.created`, as filing a request does: the outbox writes to
persons).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from guichet.authorities.access import has_role
from guichet.authorities.models import Authority, Role
from guichet.contracts.briefings.compose import compose
from guichet.contracts.briefings.periods import last_period
from guichet.contracts.models import Briefing, BriefingRemit
from guichet.core import clock, journal
from guichet.core.calendar import PARIS
from guichet.core.journal import Actor
from guichet.journeys.engine import EventLog
from guichet.notifications.models import Channel, MessageKind, Notification
from guichet.notifications.tasks import wake_worker
from guichet.people.actions import find_or_create_person
from guichet.people.models import Verification
from guichet.people.selectors import wants

REMIT_CREATED = "contracts.briefing-remit-created"
REMIT_ENDED = "contracts.briefing-remit-ended"
BRIEFING_SENT = "contracts.briefing-sent"
SYSTEM = Actor.system("notes aux élus")


class BriefingError(ValueError):
    """A French reason why the remit or the briefing cannot be written."""


@transaction.atomic
def create_remit(
    *, actor: Actor, authority: Authority, official, title: str, scope: str, frequency: str,
    commune=None, services=(), categories=(),
) -> BriefingRemit:  # fmt: skip
    """A remit for `official` (an agent with the « élu » role, or a manager, of `authority`)."""
    title = (title or "").strip()
    if not title or len(title) > 160:
        raise BriefingError("Indiquez la délégation de l'élu (160 caractères au plus).")
    if scope not in BriefingRemit.Scope.values:
        raise BriefingError("Choisissez le périmètre : une commune, une politique ou toute la collectivité.")  # fmt: skip
    if frequency not in BriefingRemit.Frequency.values:
        raise BriefingError("Choisissez la fréquence : chaque semaine ou chaque mois.")
    if not has_role(official, authority, [Role.ELECTED, Role.MANAGER, Role.ADMINISTRATOR]):
        raise BriefingError(f"Ce compte n'est pas un élu ni un responsable de {authority.name}.")
    if scope == BriefingRemit.Scope.COMMUNE and commune is None:
        raise BriefingError("Choisissez la commune suivie par l'élu.")
    if scope == BriefingRemit.Scope.POLICY and not (list(services) or list(categories)):
        raise BriefingError("Choisissez au moins un service ou une catégorie de services.")
    if not official.email:
        raise BriefingError("Ce compte n'a pas d'adresse électronique : la note ne peut pas lui être envoyée.")  # fmt: skip
    recipient = find_or_create_person(
        actor=actor, email=official.email, first_name=official.first_name,
        last_name=official.last_name, verification=Verification.EMAIL_VERIFIED,
        channel="backoffice",
    ).person  # fmt: skip
    remit = BriefingRemit.objects.create(
        authority=authority, official=official, recipient=recipient, title=title, scope=scope,
        commune=commune if scope == BriefingRemit.Scope.COMMUNE else None,
        frequency=frequency, created_at=clock.now(),
    )  # fmt: skip
    if scope == BriefingRemit.Scope.POLICY:
        remit.services.set(services)
        remit.categories.set(categories)
    journal.append(
        kind=REMIT_CREATED, actor=actor, authority_id=authority.pk, subject=remit,
        payload={"title": title, "scope": scope, "frequency": frequency},
    )  # fmt: skip
    return remit


@transaction.atomic
def end_remit(*, actor: Actor, remit: BriefingRemit) -> BriefingRemit:
    """No more briefings for this remit (the ones sent stay readable)."""
    remit = BriefingRemit.objects.select_for_update().get(pk=remit.pk)
    if not remit.is_active:
        raise BriefingError("Les notes de ce périmètre ne sont déjà plus envoyées.")
    remit.is_active = False
    remit.save(update_fields=["is_active"])
    journal.append(kind=REMIT_ENDED, actor=actor, authority_id=remit.authority_id,
                   subject=remit, payload={"title": remit.title})  # fmt: skip
    return remit


def briefing_url(briefing: Briefing) -> str:
    """The briefing's page (sign-in required): no secret in the link."""
    path = reverse("steering:briefing", args=[briefing.pk])
    return f"{settings.GUICHET_BASE_URL}{path}"


def send_briefing(
    *, remit: BriefingRemit, actor: Actor = SYSTEM, now: datetime | None = None,
    log: EventLog | None = None,
) -> Briefing:  # fmt: skip
    """Compose `remit`'s briefing for its last complete period and queue its e-mail."""
    now = now or clock.now()
    start, end = last_period(remit.frequency, now.astimezone(PARIS).date())
    content = compose(remit, start=start, end=end, now=now, log=log)  # heavy: outside the lock
    with transaction.atomic():
        remit = (
            BriefingRemit.objects.select_for_update()
            .select_related("authority", "recipient")
            .get(pk=remit.pk)
        )
        briefing = Briefing.objects.create(
            remit=remit, period_start=start, period_end=end, composed_at=now, content=content
        )
        notification = _queue_email(remit, briefing)
        briefing.notification_id = notification.pk if notification else None
        briefing.save(update_fields=["notification_id"])
        remit.last_sent_at = now
        remit.save(update_fields=["last_sent_at"])
        journal.append(
            kind=BRIEFING_SENT, actor=actor, authority_id=remit.authority_id, subject=briefing,
            payload={"remit": remit.pk, "start": start.isoformat(), "end": end.isoformat(),
                     "queued": notification is not None},
        )  # fmt: skip
    return briefing


def _queue_email(remit: BriefingRemit, briefing: Briefing) -> Notification | None:
    person = remit.recipient
    if not wants(person, MessageKind.MESSAGE, Channel.EMAIL):
        return None
    recipient = remit.official.email
    context = {"content": briefing.content, "url": briefing_url(briefing), "remit": remit}
    subject = f"Note aux élus — {remit.title} — {briefing.content['period']['label']}"[:200]
    notification = Notification.objects.create(
        person=person, authority=remit.authority, channel=Channel.EMAIL,
        message_kind=MessageKind.MESSAGE, recipient=recipient, subject=subject,
        text=render_to_string("contracts/briefing_email.txt", context),
        html=render_to_string("contracts/briefing_email.html", context),
        next_attempt_at=clock.now(), idempotency_key=f"briefing:{briefing.pk}",
    )  # fmt: skip
    transaction.on_commit(wake_worker)
    return notification
