"""The inbound e-mail channel: `guichet mail-inbound` (docs/inbound-mail.md).

`reply_address(request)` is the Reply-To outgoing e-mails about a request should carry, so the
person's answer comes back to that request.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


def reply_address(request: Any) -> str | None:
    """`demande+<référence>@<domaine>`, or None when no inbound domain is configured."""
    domain = getattr(settings, "GUICHET_INBOUND_MAIL_DOMAIN", "")
    reference = getattr(request, "reference", "")
    if not domain or not reference:
        return None
    from guichet.channels.inbound_mail.rules import REPLY_LOCAL_PART

    return f"{REPLY_LOCAL_PART}+{reference}@{domain}"
