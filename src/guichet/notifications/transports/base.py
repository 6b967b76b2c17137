"""The SMS transport contract. A transport is one small plugin under `contrib/<name>/`."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SmsMessage:
    to: str  # E.164, e.g. +33612345678
    text: str
    sender: str
    idempotency_key: str  # stable across retries: gateways that honour it never send twice


class TransportError(Exception):
    """The gateway refused or failed; the message says why (kept as the notification's error)."""


class SmsTransport:
    label = ""

    def send(self, message: SmsMessage, options: dict[str, Any]) -> str:
        """Hand `message` to the gateway; return its message id. Raise TransportError."""
        raise NotImplementedError


def http_call(
    url: str, *, method: str, body: bytes, headers: dict[str, str], timeout: float
) -> bytes:
    """One HTTP exchange; any non-2xx answer or network failure becomes a TransportError."""
    if not url.startswith(("http://", "https://")):
        raise TransportError(f"adresse de passerelle invalide : {url!r}")
    call = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(call, timeout=timeout) as answer:  # noqa: S310
            return answer.read()
    except urllib.error.HTTPError as refusal:
        detail = refusal.read()[:200].decode("utf-8", "replace")
        raise TransportError(f"passerelle SMS : HTTP {refusal.code} {detail}".strip()) from None
    except (urllib.error.URLError, OSError) as failure:
        raise TransportError(f"passerelle SMS injoignable : {failure}") from None


def message_id_in(raw: bytes, *names: str) -> str:
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        return ""
    for name in names:
        value = data.get(name) if isinstance(data, dict) else None
        if isinstance(value, list) and value:
            value = value[0]
        if value not in (None, ""):
            return str(value)
    return ""
