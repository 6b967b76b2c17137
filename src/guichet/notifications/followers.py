"""The followers of a request get its notifications too (issue 16), each once, on their own
contact and under their own choices, and without the filer's personal data.

Subscribed beside `outbox.on_event`, in the writer's transaction: a follower's message exists
exactly when the change that caused it committed, like the filer's (ADR 0007).
"""

from __future__ import annotations

from django.conf import settings

from guichet.cases.models import Request
from guichet.core.models import Event
from guichet.notifications.outbox import IDENTITY_FOR, enqueue
from guichet.notifications.rules import follower_message_kind
from guichet.people.models import Person
from guichet.people.selectors import notification_choices


def on_event(event: Event) -> None:
    """The journal hook: queue for each follower what the rules say this event sends them."""
    if event.case_id is None or getattr(event, "replayed", False):
        return
    message_kind = follower_message_kind(event.kind, event.payload, event.visible_to_person)
    if message_kind is None:
        return
    followers = list(
        Person.objects.filter(followed_requests__request_id=event.case_id).exclude(
            pk=event.person_id  # never twice to the filer (a follower row cannot name them)
        )
    )
    if not followers:
        return
    request = getattr(event, "case_object", None)
    if request is None or request.pk != event.case_id:
        request = Request.objects.select_related("service", "authority").get(pk=event.case_id)
    for person in followers:
        variables = variables_for_follower(request, person)
        choices = notification_choices(person)
        for channel in IDENTITY_FOR:
            enqueue(
                person=person, channel=channel, message_kind=message_kind, request=request,
                authority=request.authority, variables=variables, choices=choices,
                idempotency_key=f"event:{event.pk}:follower:{person.pk}:{channel}",
                new_key=True,
            )  # fmt: skip


def variables_for_follower(request: Request, follower: Person) -> dict[str, str]:
    """The variables of a follower's message: their own name, the request's public facts.

    Never the filer's name, answers, messages or the agent's note to them (`motif`), nor the
    filer's tracking link (it carries their secret) or survey: the link is the public report
    page when the service shows its reports publicly, otherwise the portal's home page.
    """
    name = str(follower).strip()
    return {
        "usager": name or "Madame, Monsieur",
        "reference": request.reference,
        "service": request.service.name,
        "etat": request.get_public_status_display(),
        "lien_suivi": public_link(request),
        "collectivite": request.authority.name,
        "motif": "",
        "message": "",
        "lien_enquete": "",
    }


def public_link(request: Request) -> str:
    base = settings.GUICHET_BASE_URL.rstrip("/")
    if request.service.public_reports:
        return f"{base}/signalements/{request.reference}/"
    return f"{base}/"
