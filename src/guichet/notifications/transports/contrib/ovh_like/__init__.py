"""A provider-style JSON API shaped like OVHcloud's SMS jobs (`POST …/sms/<account>/jobs`).

Options: url (API root), account, api_key, timeout. The idempotency key travels as the job's
`tag`, so the provider can refuse a job it already has.
"""

from __future__ import annotations

import json
from typing import Any

from guichet.notifications.transports.base import (
    SmsMessage,
    SmsTransport,
    http_call,
    message_id_in,
)
from guichet.notifications.transports.registry import sms_transports


@sms_transports.register("ovh_like")
class OvhLikeApi(SmsTransport):
    label = "API SMS type OVHcloud"

    def send(self, message: SmsMessage, options: dict[str, Any]) -> str:
        body = {
            "message": message.text, "receivers": [message.to], "sender": message.sender,
            "noStopClause": True, "charset": "UTF-8", "tag": message.idempotency_key,
        }  # fmt: skip
        raw = http_call(
            f"{options['url'].rstrip('/')}/sms/{options.get('account', '')}/jobs",
            method="POST",
            body=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "X-Api-Key": options.get("api_key", "")},
            timeout=float(options.get("timeout") or 10),
        )
        return message_id_in(raw, "ids", "id")
