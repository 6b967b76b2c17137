"""The API's share of an erasure (people.rights.erasure, ADR 0025): the answers kept for a
retried POST (idempotency records) that describe the person's requests, their messages or
their attachments lose what names the person (a message's body and a file's name whole)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from guichet.api.models import IdempotencyRecord
from guichet.cases.models import Attachment, Message, Request
from guichet.people.rights.erasure import ERASED, Batch, Part, register, write_rows


def _collect(batch: Batch) -> None:
    # Read before the cases' part deletes the attachments.
    cases = list(batch.cases)
    batch.extra["api_references"] = dict(
        Request.objects.filter(pk__in=cases).values_list("reference", "pk")
    )
    batch.extra["api_messages"] = dict(
        Message.objects.filter(request_id__in=cases).values_list("pk", "request_id")
    )
    batch.extra["api_attachments"] = dict(
        Attachment.objects.filter(request_id__in=cases).values_list("pk", "request_id")
    )


def _erase(batch: Batch) -> dict[str, int]:
    references: dict[str, int] = batch.extra.get("api_references", {})
    messages: dict[int, int] = batch.extra.get("api_messages", {})
    attachments: dict[int, int] = batch.extra.get("api_attachments", {})
    about = Q(response_body__has_key="last_name", response_body__id__in=batch.person_ids)
    if references:
        about |= Q(response_body__reference__in=list(references))
    if messages:
        about |= Q(response_body__has_key="body", response_body__id__in=list(messages))
    if attachments:
        about |= Q(response_body__0__id__in=list(attachments))
    changed = []
    for record in IdempotencyRecord.objects.filter(about):
        body = record.response_body
        scrubbed = _scrubbed(batch, body, references, messages, attachments)
        if scrubbed != body:
            record.response_body = scrubbed
            changed.append(record)
    write_rows(IdempotencyRecord, changed, ["response_body"])
    return {"api_replies": len(changed)}


def _scrubbed(
    batch: Batch,
    body: Any,
    references: dict[str, int],
    messages: dict[int, int],
    attachments: dict[int, int],
) -> Any:
    if isinstance(body, list):  # the attachments added by one POST
        return [
            {**item, "name": ERASED}
            if isinstance(item, dict) and item.get("id") in attachments
            else item
            for item in body
        ]
    if not isinstance(body, dict):
        return body
    if "reference" in body:
        owner = batch.cases.get(references.get(body["reference"], 0))
    elif "body" in body:
        owner = batch.cases.get(messages.get(body.get("id", 0), 0))
    else:
        owner = body.get("id") if body.get("id") in batch.owner else None
    return batch.scrub_json(owner, body)


register(Part(name="api", order=40, collect=_collect, erase=_erase))
