"""Any HTTP SMS gateway: URL, method, body template and auth header come from the options.

Options: url, method (POST), body (a template with $to, $text, $sender, $key; values are
JSON-encoded when content_type is JSON, URL-encoded otherwise), content_type
(application/json), auth_header ("Authorization: Bearer …"), timeout (10 s).
"""

from __future__ import annotations

import json
import urllib.parse
from string import Template
from typing import Any

from guichet.notifications.transports.base import (
    SmsMessage,
    SmsTransport,
    http_call,
    message_id_in,
)
from guichet.notifications.transports.registry import sms_transports

DEFAULT_BODY = '{"to": $to, "text": $text, "from": $sender}'


@sms_transports.register("generic_http")
class GenericHttpGateway(SmsTransport):
    label = "Passerelle HTTP générique"

    def send(self, message: SmsMessage, options: dict[str, Any]) -> str:
        content_type = options.get("content_type") or "application/json"
        encode = json.dumps if "json" in content_type else urllib.parse.quote_plus
        values = {
            "to": message.to, "text": message.text, "sender": message.sender,
            "key": message.idempotency_key,
        }  # fmt: skip
        body = Template(options.get("body") or DEFAULT_BODY).substitute(
            {name: encode(value) for name, value in values.items()}
        )
        headers = {"Content-Type": content_type, "Idempotency-Key": message.idempotency_key}
        auth = options.get("auth_header") or ""
        if ":" in auth:
            name, _, value = auth.partition(":")
            headers[name.strip()] = value.strip()
        raw = http_call(
            options["url"], method=(options.get("method") or "POST").upper(),
            body=body.encode(), headers=headers, timeout=float(options.get("timeout") or 10),
        )  # fmt: skip
        return message_id_in(raw, "id", "message_id", "messageId")
