"""A person's choices: consents (RGPD) and notification preferences."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from guichet.core import journal
from guichet.core.journal import Actor
from guichet.people.actions.persons import ensure_active
from guichet.people.errors import PeopleError
from guichet.people.models import Consent, NotificationPreference, Person


@transaction.atomic
def record_consent(
    *, actor: Actor, person: Person, purpose: str, granted: bool, source: str
) -> Consent:
    """Record one consent decision; the latest decision per purpose is the one in force."""
    if purpose not in Consent.Purpose.values:
        raise PeopleError(f"Finalité de consentement inconnue : « {purpose} ».")
    ensure_active(person)
    consent = Consent.objects.create(
        person=person, purpose=purpose, granted=bool(granted), source=source[:40]
    )
    journal.append(
        kind="person.consent_recorded",
        actor=actor,
        person_id=person.pk,
        subject=consent,
        payload={"purpose": purpose, "granted": bool(granted), "source": source},
    )
    return consent


@transaction.atomic
def set_preferences(
    *, actor: Actor, person: Person, preferences: Mapping[tuple[str, str], bool]
) -> list[NotificationPreference]:
    """Set whether `person` wants each (message kind, channel); pairs not given are unchanged."""
    for message_kind, channel in preferences:
        if message_kind not in NotificationPreference.MessageKind.values:
            raise PeopleError(f"Type de message inconnu : « {message_kind} ».")
        if channel not in NotificationPreference.Channel.values:
            raise PeopleError(f"Canal de notification inconnu : « {channel} ».")
    ensure_active(person)
    if not preferences:
        return []
    saved = [
        NotificationPreference.objects.update_or_create(
            person=person,
            message_kind=message_kind,
            channel=channel,
            defaults={"enabled": bool(enabled)},
        )[0]
        for (message_kind, channel), enabled in sorted(preferences.items())
    ]
    journal.append(
        kind="person.preferences_changed",
        actor=actor,
        person_id=person.pk,
        payload={f"{p.message_kind}/{p.channel}": p.enabled for p in saved},
    )
    return saved
