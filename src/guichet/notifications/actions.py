"""Writes on the outbox: a message sent or failed (request timeline), an authority's broadcast."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection, transaction
from django.db.models import F

from guichet.core import clock, journal
from guichet.core.journal import Actor
from guichet.notifications.models import (
    Broadcast,
    Channel,
    MessageKind,
    MessageTemplate,
    Notification,
)
from guichet.people.models import Category

SENT = "notification.sent"
FAILED = "notification.failed"
WORKER = Actor.system("envoi des notifications")

Status = Notification.Status


def _claimed(notification: Notification):
    # Only the claim we hold: if our lease ran out and another worker took the row back, its
    # outcome is the one that counts.
    return Notification.objects.filter(
        pk=notification.pk, status=Status.SENDING, attempts=notification.attempts
    )


@transaction.atomic
def record_sent(*, notification: Notification, provider_message_id: str = "") -> bool:
    """Mark a claimed notification sent; False when the claim was lost meanwhile."""
    now = clock.now()
    updated = _claimed(notification).update(
        status=Status.SENT, sent_at=now, provider_message_id=provider_message_id[:200],
        last_error="", claimed_until=None,
    )  # fmt: skip
    if updated:
        _append(SENT, notification, provider_message_id=provider_message_id)
    return bool(updated)


@transaction.atomic
def record_sent_many(*, sent: list[tuple[Notification, str]]) -> int:
    """Mark claimed notifications sent in one transaction; returns how many were ours still.

    The worker's batch form of `record_sent` (one UPDATE and one multi-row INSERT instead of
    two statements and a commit per message), with the same guard per row and one
    `notification.sent` event per notification for the request timeline.
    """
    if not sent:
        return 0
    now = clock.now()
    by_pk = {n.pk: (n, provider_id[:200]) for n, provider_id in sent}
    held: list[int] = []
    for attempts in {n.attempts for n, _ in by_pk.values()}:
        # The rows stay locked (PostgreSQL) or the database write-locked (SQLite, immediate
        # transactions) until commit, so what this reads is what the UPDATE below changes.
        held += _held([pk for pk, (n, _) in by_pk.items() if n.attempts == attempts], attempts)
    if not held:
        return 0
    Notification.objects.filter(pk__in=held, status=Status.SENDING).update(
        status=Status.SENT, sent_at=now, last_error="", claimed_until=None
    )
    _set_provider_ids([(pk, by_pk[pk][1]) for pk in held])
    journal.append_many(
        [
            _entry(SENT, by_pk[pk][0], provider_message_id=by_pk[pk][1]) | {"occurred_at": now}
            for pk in held
        ]
    )
    return len(held)


def _set_provider_ids(pairs: list[tuple[int, str]]) -> None:
    # One UPDATE … FROM (VALUES …) (SQLite ≥ 3.33, PostgreSQL): the ORM's Case/When for a few
    # hundred rows costs more Python than sending the messages.
    table = connection.ops.quote_name(Notification._meta.db_table)
    rows = ", ".join(["(%s, %s)"] * len(pairs))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET provider_message_id = v.column2 "  # noqa: S608 (no user input)
            f"FROM (VALUES {rows}) AS v WHERE {table}.id = v.column1",
            [value for pair in pairs for value in pair],
        )


def _held(pks: list[int], attempts: int) -> list[int]:
    rows = Notification.objects.filter(pk__in=pks, status=Status.SENDING, attempts=attempts)
    if connection.features.has_select_for_update:
        rows = rows.select_for_update()
    return list(rows.values_list("pk", flat=True))


@transaction.atomic
def record_failure(
    *, notification: Notification, error: str, retry_at=None, bounced: bool = False
) -> bool:
    """A delivery attempt failed: queue it again at `retry_at`, or fail it for good (None)."""
    fields = {"last_error": error[:2000], "claimed_until": None}
    if retry_at is not None:
        fields |= {"status": Status.QUEUED, "next_attempt_at": retry_at}
    else:
        fields["status"] = Status.BOUNCED if bounced else Status.FAILED
    updated = _claimed(notification).update(**fields)
    if updated and retry_at is None:
        _append(FAILED, notification, error=error[:500], bounced=bounced)
    return bool(updated)


@transaction.atomic
def record_bounce(*, notification: Notification, error: str) -> bool:
    """A sent e-mail came back (delivery status notification): mark it bounced."""
    updated = Notification.objects.filter(pk=notification.pk, status=Status.SENT).update(
        status=Status.BOUNCED, last_error=error[:2000]
    )
    if updated:
        _append(FAILED, notification, error=error[:500], bounced=True)
    return bool(updated)


def _entry(kind: str, notification: Notification, **payload) -> dict:
    """The journal entry of an outcome: on the request's timeline, for agents only."""
    return {
        "kind": kind, "actor": WORKER, "channel": notification.channel,
        "authority_id": notification.authority_id, "person_id": notification.person_id,
        "case_id": notification.request_id, "subject": notification,
        "visible_to_person": False,
        "payload": {
            "notification": notification.pk, "channel": notification.channel,
            "message_kind": notification.message_kind, "attempts": notification.attempts,
            **payload,
        },
    }  # fmt: skip


def _append(kind: str, notification: Notification, **payload) -> None:
    journal.append(**_entry(kind, notification, **payload))


BROADCAST_REQUESTED = "notification.broadcast_requested"
BROADCAST_QUEUED = "notification.broadcast_queued"
BATCH = 5000
MAX_MESSAGE = 2000
REPEAT_WINDOW = timedelta(minutes=2)
# Stand-ins rendered once, replaced per person: rendering 100,000 templates would take minutes.
_NAME, _OPTOUT = "\u27e6usager\u27e7", "\u27e6desabonnement\u27e7"


class Refused(ValueError):
    """A write refused before anything is written: French messages by field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


class BroadcastError(Refused):
    pass


class TemplateError(Refused):
    pass


def broadcast(
    *,
    authority,
    actor: Actor,
    message: str,
    channels: list[str],
    communes: list | None = None,
    categories: list[str] | None = None,
) -> int:
    """Plan and queue at once (scripts, benchmarks); returns how many messages were queued.

    Raises BroadcastError (a ValueError, French messages) for bad input.
    """
    planned = plan_broadcast(
        authority=authority, actor=actor, message=message, channels=channels,
        communes=communes, categories=categories, allow_empty=True,
    )  # fmt: skip
    return queue_broadcast(broadcast=planned)


def check_broadcast(
    *,
    authority,
    message: str,
    channels: list[str],
    communes: list | None = None,
    categories: list[str] | None = None,
) -> dict[str, int]:
    """Validate a broadcast without writing; returns the audience size per chosen channel.

    `communes` are Commune objects or ids, all in the authority's territory. Raises
    BroadcastError for an empty or too long message, no or unknown channel, a commune outside
    the territory or an unknown category.
    """
    from guichet.notifications import audience

    errors: dict[str, str] = {}
    text = message.strip()
    if not text:
        errors["message"] = "Le message est vide."
    elif len(text) > MAX_MESSAGE:
        errors["message"] = f"Le message dépasse {MAX_MESSAGE} caractères ({len(text)})."
    if not channels or any(c not in Channel.values for c in channels):
        errors["channels"] = "Choisissez le courriel et/ou le SMS."
    outside = audience.communes_outside(authority, [getattr(c, "pk", c) for c in communes or []])
    if outside:
        errors["communes"] = f"Hors du territoire de {authority.name} : {', '.join(outside)}."
    unknown = [c for c in categories or [] if c not in Category.values]
    if unknown:
        errors["categories"] = f"Catégorie inconnue : {', '.join(unknown)}."
    if errors:
        raise BroadcastError(errors)
    return audience.counts(
        authority=authority, channels=channels,
        communes=[getattr(c, "pk", c) for c in communes or []], categories=categories,
    )  # fmt: skip


@transaction.atomic
def plan_broadcast(
    *,
    authority,
    actor: Actor,
    message: str,
    channels: list[str],
    communes: list | None = None,
    categories: list[str] | None = None,
    allow_empty: bool = False,
) -> Broadcast:
    """Record a checked broadcast, pending, with its audience size; queue nothing yet.

    Raises BroadcastError as `check_broadcast`, and (unless `allow_empty`) when nobody is
    in the audience.
    """
    counts = check_broadcast(
        authority=authority, message=message, channels=channels, communes=communes,
        categories=categories,
    )  # fmt: skip
    total = sum(counts.values())
    if not total and not allow_empty:
        raise BroadcastError(
            {"__all__": "Personne ne correspond à ce public : aucun message à envoyer."}
        )
    text = message.strip()
    # A double click on "Confirmer" must not send the same message twice.
    if Broadcast.objects.filter(
        authority=authority, message=text, created_at__gte=clock.now() - REPEAT_WINDOW
    ).exists():
        raise BroadcastError(
            {"__all__": "Ce message vient déjà d'être envoyé (il y a moins de 2 minutes) : "
             "il n'a pas été envoyé une seconde fois."}
        )  # fmt: skip
    planned = Broadcast.objects.create(
        authority=authority, created_by=actor.user, message=text,
        channels=[c for c in Channel.values if c in channels],  # stable order, no repeats
        communes=sorted(int(getattr(c, "pk", c)) for c in communes or []),
        categories=sorted(set(categories or [])), total=total, created_at=clock.now(),
    )  # fmt: skip
    journal.append(
        kind=BROADCAST_REQUESTED, actor=actor, authority_id=authority.pk, subject=planned,
        payload={"broadcast": planned.pk, "channels": planned.channels, "audience": counts,
                 "communes": planned.communes, "categories": planned.categories,
                 "message": text[:500]},
    )  # fmt: skip
    return planned


def queue_broadcast(*, broadcast: Broadcast) -> int:
    """Write the outbox rows of a planned broadcast, one committed batch at a time.

    Batches commit on their own so the screen sees `queued` grow (a long transaction would
    hide everything until the end). Safe to run again after a crash: the idempotency keys
    skip the rows already written. Appends `notification.broadcast_queued` when done.
    """
    from guichet.notifications import optout, selectors
    from guichet.notifications.templating import render

    Broadcast.objects.filter(pk=broadcast.pk).update(status=Broadcast.Status.QUEUEING)
    authority = broadcast.authority
    try:
        rendered = render(
            authority=authority, message_kind=MessageKind.BROADCAST,
            variables={"usager": _NAME, "collectivite": authority.name,
                       "message": broadcast.message},
            unsubscribe_url=_OPTOUT,
        )  # fmt: skip
        now = clock.now()
        for channel in broadcast.channels:
            # Read the whole audience first: committing batches under an open cursor is not
            # portable (SQLite), and 100,000 short tuples fit in memory.
            persons = list(
                selectors.broadcast_audience(
                    authority=authority, channel=channel,
                    communes=broadcast.communes or None, categories=broadcast.categories or None,
                ).values_list("pk", "first_name", "last_name", "recipient")
            )  # fmt: skip
            is_email = channel == Channel.EMAIL
            for start in range(0, len(persons), BATCH):
                rows = []
                for person_id, first_name, last_name, recipient in persons[start : start + BATCH]:
                    name = f"{first_name} {last_name}".strip() or "Madame, Monsieur"
                    link = optout.url_for(person_id, broadcast=True)

                    def personal(text: str, name=name, link=link) -> str:
                        return text.replace(_NAME, name).replace(_OPTOUT, link)

                    rows.append(
                        Notification(
                            person_id=person_id,
                            authority=authority,
                            broadcast=broadcast,
                            channel=channel,
                            message_kind=MessageKind.BROADCAST,
                            recipient=recipient,
                            subject=personal(rendered.subject) if is_email else "",
                            text=personal(rendered.text if is_email else rendered.sms),
                            html=personal(rendered.html) if is_email else "",
                            next_attempt_at=now,
                            idempotency_key=f"broadcast:{broadcast.pk}:{channel}:{person_id}",
                        )  # fmt: skip
                    )
                with transaction.atomic():
                    Notification.objects.bulk_create(rows, ignore_conflicts=True)
                    Broadcast.objects.filter(pk=broadcast.pk).update(queued=F("queued") + len(rows))
    except Exception as failure:
        Broadcast.objects.filter(pk=broadcast.pk).update(
            status=Broadcast.Status.FAILED, error=str(failure)[:2000], finished_at=clock.now()
        )
        raise
    with transaction.atomic():
        total = Notification.objects.filter(broadcast=broadcast).count()
        Broadcast.objects.filter(pk=broadcast.pk).update(
            status=Broadcast.Status.QUEUED, queued=total, finished_at=clock.now()
        )
        actor = Actor.agent(broadcast.created_by) if broadcast.created_by else WORKER
        journal.append(
            kind=BROADCAST_QUEUED, actor=actor, authority_id=authority.pk, subject=broadcast,
            payload={"broadcast": broadcast.pk, "channels": broadcast.channels,
                     "queued": total, "message": broadcast.message[:500]},
        )  # fmt: skip
    broadcast.refresh_from_db()
    return total


TEMPLATE_CHANGED = "notification.template_changed"


def _checked_wording(message_kind: str, *, subject: str, text: str, sms: str) -> dict[str, str]:
    """The three fields of a wording, stripped; TemplateError naming each unknown variable or
    forbidden tag, field by field, and an unknown kind or an over-long subject."""
    from guichet.notifications.template_check import problems

    if message_kind not in MessageKind.values:
        raise TemplateError({"__all__": f"Type de message inconnu : « {message_kind} »."})
    fields = {"subject": subject.strip(), "text": text.strip(), "sms": sms.strip()}
    errors = {name: " ".join(problems(value)) for name, value in fields.items() if problems(value)}
    if len(fields["subject"]) > 200:
        errors["subject"] = "L'objet dépasse 200 caractères."
    if errors:
        raise TemplateError(errors)
    return fields


@transaction.atomic
def save_template(
    *, actor: Actor, authority, message_kind: str, subject: str, text: str, sms: str
) -> MessageTemplate:
    """Set an authority's wording for one kind of message (an empty field: the default).

    Raises TemplateError naming each unknown variable or forbidden tag, field by field.
    """
    fields = _checked_wording(message_kind, subject=subject, text=text, sms=sms)
    template, _ = MessageTemplate.objects.update_or_create(
        authority=authority, service=None, message_kind=message_kind, defaults=fields
    )
    journal.append(
        kind=TEMPLATE_CHANGED, actor=actor, authority_id=authority.pk, subject=template,
        payload={"message_kind": message_kind, **fields},
    )  # fmt: skip
    return template


SERVICE_TEMPLATE_CHANGED = "notification.service-template-changed"


@transaction.atomic
def save_service_template(
    *, actor: Actor, authority, service, message_kind: str, subject: str, text: str, sms: str
) -> MessageTemplate | None:
    """Set the wording of one kind of message for one service's requests (the designer's
    « Messages » tab); an empty field inherits the authority's wording, all three empty remove
    the service's own (None is returned).

    Raises TemplateError naming each unknown variable or forbidden tag, field by field.
    """
    fields = _checked_wording(message_kind, subject=subject, text=text, sms=sms)
    scope = {"authority": authority, "service": service, "message_kind": message_kind}
    template: MessageTemplate | None = None
    if any(fields.values()):
        template, _ = MessageTemplate.objects.update_or_create(**scope, defaults=fields)
    else:
        MessageTemplate.objects.filter(**scope).delete()
    journal.append(
        kind=SERVICE_TEMPLATE_CHANGED, actor=actor, authority_id=authority.pk, subject=service,
        payload={"service": service.pk, "message_kind": message_kind, **fields},
    )  # fmt: skip
    return template
