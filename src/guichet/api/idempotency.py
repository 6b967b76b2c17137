"""`Idempotency-Key` on POSTs: a retry gets the first answer, never a second write.

The claim (an IdempotencyRecord row) is written in the same transaction as the write it
guards. Two requests with the same key race on the unique constraint (client, key): on
PostgreSQL the second insert waits for the first transaction, then fails and replays the
stored answer; if the first one failed, nothing was stored and the second one runs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from ninja.responses import Status
from pydantic import BaseModel

from guichet.api.caller import Caller
from guichet.api.models import IdempotencyRecord
from guichet.api.security import ApiError, Conflict

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def run_once(
    http_request: HttpRequest, caller: Caller, perform: Callable[[], tuple[int, Any]]
) -> Status:
    """Run `perform` (returning status and body) once per Idempotency-Key of this caller."""
    return Status(*_run_once(http_request, caller, perform))


def _run_once(
    http_request: HttpRequest, caller: Caller, perform: Callable[[], tuple[int, Any]]
) -> tuple[int, Any]:
    key = http_request.headers.get(HEADER, "").strip()
    if not key:
        return perform()
    if len(key) > MAX_KEY_LENGTH:
        raise ApiError(
            f"L'en-tête {HEADER} dépasse {MAX_KEY_LENGTH} caractères.",
            errors=[{"field": HEADER, "code": "trop_long", "message": "Clé trop longue."}],
        )
    owner = {"api_key": caller.api_key} if caller.api_key is not None else {"user": caller.user}
    fingerprint = _fingerprint(http_request)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(**owner, key=key, fingerprint=fingerprint)
        except IntegrityError:
            return _replay(owner, key, fingerprint)
        status, body = perform()
        record.status_code, record.response_body = status, _jsonable(body)
        record.save(update_fields=["status_code", "response_body"])
        return status, record.response_body


def _replay(owner: dict[str, Any], key: str, fingerprint: str) -> tuple[int, Any]:
    record = IdempotencyRecord.objects.get(**owner, key=key)
    if record.fingerprint != fingerprint:
        raise Conflict(
            "Cette clé d'idempotence a déjà servi pour une requête différente : "
            "utilisez une nouvelle clé pour une nouvelle demande.",
            code="cle_idempotence_reutilisee",
            errors=[{"field": HEADER, "code": "deja_utilisee", "message": "Clé déjà utilisée."}],
        )
    if record.status_code is None:  # pragma: no cover - the claim commits with its answer
        raise Conflict("Cette requête est encore en cours de traitement.", code="en_cours")
    return record.status_code, record.response_body


def _fingerprint(http_request: HttpRequest) -> str:
    """The method, path and body; a JSON body is compared by content, not by its spacing, and
    a multipart upload by its fields and files' contents, not by its random boundary."""
    if http_request.content_type == "multipart/form-data":
        body = _multipart_fingerprint(http_request)
    else:
        raw = http_request.body or b""
        try:
            body = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()
        except (ValueError, UnicodeDecodeError):
            body = raw
    digest = hashlib.sha256(f"{http_request.method} {http_request.path}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def _multipart_fingerprint(http_request: HttpRequest) -> bytes:
    parts = [f"{name}={value}" for name, value in sorted(http_request.POST.lists())]
    for name, uploads in sorted(http_request.FILES.lists()):
        for upload in uploads:
            content = hashlib.sha256()
            for chunk in upload.chunks():
                content.update(chunk)
            upload.seek(0)
            parts.append(f"{name}:{upload.name}:{content.hexdigest()}")
    return "\n".join(parts).encode()


def _jsonable(body: Any) -> Any:
    if isinstance(body, list):
        return [_jsonable(item) for item in body]
    if isinstance(body, BaseModel):
        return body.model_dump(mode="json")
    return json.loads(json.dumps(body, default=str))
