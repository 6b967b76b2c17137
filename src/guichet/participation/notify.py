"""Telling participants: one outbox row per person and channel, in the writer's transaction.

Participation sits above notifications (ADR 0015), so it writes the outbox itself, through the
notifications app's own pieces: the person's consents and preferences (`wants`, as an agent's
message), the address (`recipient_of`), the authority's branding and the unsubscribe link
(`templating.render` with our French wording as `source`), then `wake_worker` after commit.
The same `key` twice queues one message.
"""

from __future__ import annotations

from django.conf import settings

from guichet.core import clock, journal
from guichet.notifications import optout
from guichet.notifications.models import Channel, Notification
from guichet.notifications.outbox import recipient_of
from guichet.notifications.tasks import wake_worker
from guichet.notifications.templating import render
from guichet.people.models import NotificationPreference, Person
from guichet.people.selectors import wants

KIND = NotificationPreference.MessageKind.MESSAGE


def notify(person: Person, *, authority, subject: str, text: str, link: str, key: str) -> int:
    """Queue `text` (plain French, a link appended) to `person` on each channel she wants;
    the number of messages queued."""
    # A replayed past (the demo's consultation) tells nobody anything, as the outbox's rule.
    if person.is_erased or journal._replaying.get():  # noqa: SLF001 - the journal's own flag
        return 0
    url = link if link.startswith("http") else settings.GUICHET_BASE_URL + link
    source = {
        "subject": subject.replace("{", "(").replace("}", ")"),
        "text": "Bonjour {{ usager }},\n\n" + _literal(text) + "\n\n" + _literal(url),
        "sms": "{{ collectivite }} : " + _literal(subject) + " " + _literal(url),
    }
    variables = {
        "usager": str(person).strip() or "Madame, Monsieur",
        "collectivite": getattr(authority, "name", ""),
    }
    queued = 0
    for channel in (Channel.EMAIL, Channel.SMS):
        if not wants(person, KIND, channel):
            continue
        recipient = recipient_of(person, channel)
        if not recipient:
            continue
        rendered = render(
            authority=authority, message_kind=KIND, variables=variables,
            unsubscribe_url=optout.url_for(person.pk), channel=channel, source=source,
        )  # fmt: skip
        _, created = Notification.objects.get_or_create(
            idempotency_key=f"participation:{key}:{person.pk}:{channel}"[:120],
            defaults={
                "person": person, "authority": authority, "channel": channel,
                "message_kind": KIND, "recipient": recipient,
                "subject": rendered.subject if channel == Channel.EMAIL else "",
                "text": rendered.text if channel == Channel.EMAIL else rendered.sms,
                "html": rendered.html if channel == Channel.EMAIL else "",
                "next_attempt_at": clock.now(),
            },
        )  # fmt: skip
        if created:
            queued += 1
            wake_worker()
    return queued


def _literal(text: str) -> str:
    """`text` as a template that renders to itself (participants' titles may hold braces)."""
    return "{% verbatim %}" + text.replace("{% endverbatim %}", "") + "{% endverbatim %}"
