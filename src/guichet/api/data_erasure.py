"""The API's share of an erasure (people.rights.erasure, ADR 0025): the answers kept for a
retried POST (idempotency records) that describe one of the person's requests or the person
lose what names them."""

from __future__ import annotations

from django.db.models import Q

from guichet.api.models import IdempotencyRecord
from guichet.cases.models import Request
from guichet.people.rights.erasure import Batch, Part, register, write_rows


def _erase(batch: Batch) -> dict[str, int]:
    references = dict(
        Request.objects.filter(pk__in=list(batch.cases)).values_list("reference", "pk")
    )
    about = Q(response_body__has_key="last_name", response_body__id__in=batch.person_ids)
    if references:
        about |= Q(response_body__reference__in=list(references))
    changed = []
    for record in IdempotencyRecord.objects.filter(about):
        body = record.response_body
        owner = (
            batch.cases.get(references.get(body.get("reference"), 0))
            if isinstance(body, dict)
            else None
        )
        if owner is None and isinstance(body, dict) and body.get("id") in batch.owner:
            owner = body["id"]
        scrubbed = batch.scrub_json(owner, body)
        if scrubbed != body:
            record.response_body = scrubbed
            changed.append(record)
    write_rows(IdempotencyRecord, changed, ["response_body"])
    return {"api_replies": len(changed)}


register(Part(name="api", order=40, erase=_erase))
