"""The requests' share of an erasure (people.rights.erasure, ADR 0025).

A request stays, with its service, authority, commune, statuses and dates, so it still counts;
what identifies its person goes: the personal answers of its form, its address (its point is
rounded to about a kilometre), the person's messages, the names in the agents' messages, its
attachments (files and rows).

An open request of a transactional service (a dossier in instruction) keeps the data: the
authority must decide it on its documents. Any other open request is ended by the erasure once
confirmed, through the workflow (`change_status`), when the one asking may: the person cancels
their own, an agent of the request's authority rejects or cancels it; otherwise it stays open
for its authority, without anyone's identity (detached).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, Round

from guichet.authorities.models import AgentMembership
from guichet.cases import actions
from guichet.cases.models import Attachment, Message, Request
from guichet.cases.workflow import CANCELLED, DONE, PERSON, IllegalTransition, workflow_for
from guichet.catalogue.formdef import FormDefinition, InvalidFormDefinition
from guichet.catalogue.models import Service, ServiceVersion
from guichet.core.journal import Actor
from guichet.core.models import ActorType
from guichet.people.models import Person
from guichet.people.rights.erasure import ERASED, Batch, Part, register, write_rows

# Answers kept: they say what was asked, never who asked (a choice, a number, a tick).
KEPT_TYPES = frozenset({"choice", "multiple_choice", "number", "checkbox"})
# Answers whose value also identifies the person elsewhere (looked for in free texts).
IDENTIFYING_TYPES = frozenset({"email", "phone", "address"})
CLOSING_NOTE = "Demande close : les données personnelles de l'usager ont été effacées."


def _open(person: Person) -> Any:
    return Request.objects.filter(person=person, in_queue=True).select_related("service")


def _blockers(person: Person) -> list[str]:
    return [
        f"La demande {r.reference} (« {r.service.name} ») est en cours d'instruction : ses "
        "données doivent être conservées jusqu'à sa décision. L'effacement sera possible une "
        "fois la demande close."
        for r in _open(person).filter(service__kind=Service.Kind.TRANSACTIONAL)
    ]


def _pending(person: Person) -> list[str]:
    return [
        f"La demande {r.reference} (« {r.service.name} ») est en cours : elle sera close, ou "
        "laissée à sa collectivité sans les données de l'usager."
        for r in _open(person).exclude(service__kind=Service.Kind.TRANSACTIONAL)
    ]


def _role_for(actor: Actor, request: Request) -> str | None:
    if actor.type == ActorType.PERSON:
        return PERSON
    if actor.type == ActorType.AGENT and actor.user is not None:
        return (
            AgentMembership.objects.filter(user=actor.user, authority_id=request.authority_id)
            .values_list("role", flat=True)
            .first()
        )
    return None


def _close(person: Person, actor: Actor) -> int:
    """End the person's open requests through the workflow where `actor` may; the number
    ended (the others stay open, detached)."""
    closed = 0
    for request in _open(person).exclude(service__kind=Service.Kind.TRANSACTIONAL):
        role = _role_for(actor, request)
        if role is None:
            continue
        workflow = workflow_for(request)  # the version it was filed with (ADR 0027)
        ends = [
            t
            for t in workflow.allowed(request.state, role)
            if workflow.state(t.target).public_status in (CANCELLED, DONE)
        ]
        ends.sort(key=lambda t: workflow.state(t.target).public_status != CANCELLED)
        if not ends:
            continue
        try:
            actions.change_status(
                request=request, to=ends[0].target, actor=actor, role=role, note=CLOSING_NOTE
            )
        except IllegalTransition:
            continue
        closed += 1
    return closed


def _collect(batch: Batch) -> None:
    for pk, person_id, address, form_data, service_id, version_id in Request.objects.filter(
        person_id__in=batch.person_ids
    ).values_list(
        "pk", "person_id", "address", "form_data", "service_id",
        Coalesce("answered_version_id", "service_version_id"),
    ):  # fmt: skip
        batch.cases[pk] = batch.owner[person_id]
        batch.add_value(person_id, address)
        types = _types(service_id, version_id)
        for name, value in (form_data or {}).items():
            if types.get(name) in IDENTIFYING_TYPES:
                batch.add_value(person_id, value if isinstance(value, str) else "")


_forms_cache: dict[tuple[int, int | None], FormDefinition | None] = {}


def _form(service_id: int, version_id: int | None) -> FormDefinition | None:
    """The form a request was filed with: its service version's (ADR 0027), else the service's
    (per batch: a draft may change)."""
    key = (service_id, version_id)
    if key not in _forms_cache:
        holder: Service | ServiceVersion = (
            ServiceVersion.objects.get(pk=version_id)
            if version_id is not None
            else Service.objects.get(pk=service_id)
        )
        try:
            _forms_cache[key] = holder.form
        except InvalidFormDefinition:
            _forms_cache[key] = None
    return _forms_cache[key]


def _types(service_id: int, version_id: int | None) -> dict[str, str]:
    """The type of each field of the form a request was filed with."""
    form = _form(service_id, version_id)
    return {f.name: f.type for f in form.fields} if form is not None else {}


def _erased_answers(answers: dict[str, Any], types: dict[str, str]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for name, value in answers.items():
        kind = types.get(name)
        if kind in KEPT_TYPES:
            kept[name] = value
        elif kind == "location" and isinstance(value, dict):
            kept[name] = {k: _rounded(v) for k, v in value.items()}
        elif value in (None, "", [], {}):
            kept[name] = value
        else:
            kept[name] = ERASED
    return kept


def _rounded(value: Any) -> Any:
    return round(value, 2) if isinstance(value, float) else value


def _erase(batch: Batch) -> dict[str, int]:
    _forms_cache.clear()
    requests = list(
        Request.objects.filter(pk__in=list(batch.cases))
        .select_related("service")
        .only("pk", "person_id", "form_data", "summary", "service_version_id",
              "answered_version_id", "service__name", "service__slug")
    )  # fmt: skip
    # The address goes, the point is rounded to about a kilometre: one UPDATE for the batch.
    Request.objects.filter(pk__in=list(batch.cases)).update(
        address="", latitude=Round("latitude", 2), longitude=Round("longitude", 2)
    )
    for request in requests:
        # the form the answers follow (a requalified request's old one, ADR 0028)
        answered = request.answered_version_id or request.service_version_id
        form = _form(request.service_id, answered)
        types = _types(request.service_id, answered)
        request.form_data = _erased_answers(request.form_data or {}, types)
        summary = form.summary_of(request.form_data) if form is not None else ""
        request.summary = summary if summary and ERASED not in summary else request.service.name
    write_rows(Request, requests, ["form_data", "summary"])
    theirs = Message.objects.filter(request_id__in=list(batch.cases))
    # The person's own words go whole; the agents' lose what names the person.
    erased = (
        theirs.filter(author_type=Message.Author.PERSON).exclude(body=ERASED).update(body=ERASED)
    )
    changed = []
    for message in theirs.exclude(author_type=Message.Author.PERSON).only(
        "pk", "request_id", "body"
    ):
        body = batch.scrub(batch.cases[message.request_id], message.body)
        if body != message.body:
            message.body = body
            changed.append(message)
    write_rows(Message, changed, ["body"])
    attachments = Attachment.objects.filter(request_id__in=list(batch.cases))
    for attachment in attachments.only("pk", "file"):
        batch.delete_file(attachment.file)
    removed, _ = attachments.delete()
    return {"requests": len(requests), "messages": erased + len(changed), "attachments": removed}


def _keeps(now: datetime) -> Q:
    """Persons with an open request, or one closed within its service's retention."""
    default = now - timedelta(days=settings.GUICHET_RETENTION_DAYS)
    recent = Q(service__retention_days__isnull=True, closure__gt=default)
    by_days: dict[int, list[int]] = {}
    for pk, days in Service.objects.exclude(retention_days=None).values_list(
        "pk", "retention_days"
    ):
        by_days.setdefault(days or 0, []).append(pk)
    for days, ids in by_days.items():
        recent |= Q(service_id__in=ids, closure__gt=now - timedelta(days=days))
    needed = (
        Request.objects.annotate(closure=Coalesce("closed_at", "resolved_at", "updated_at"))
        .filter(person_id=OuterRef("pk"))
        .filter(Q(in_queue=True) | recent)
    )
    return Q(Exists(needed))


def _per_service(persons: QuerySet[Person]) -> dict[int, int]:
    return dict(
        Request.objects.filter(person__in=persons)
        .values("service_id")
        .annotate(n=Count("pk"))
        .values_list("service_id", "n")
    )


register(
    Part(
        name="cases",
        per_service=_per_service,
        holds=lambda: Q(Exists(Request.objects.filter(person_id=OuterRef("pk")))),
        order=10,
        collect=_collect,
        erase=_erase,
        blockers=_blockers,
        pending=_pending,
        close=_close,
        keeps=_keeps,
    )
)
