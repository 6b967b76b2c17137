"""The inbound e-mail channel: `guichet mail-inbound` (docs/inbound-mail.md).

`reply_address(request)` is the Reply-To outgoing e-mails about a request should carry, so the
person's answer comes back to that request.

`bounce_readers` are the hooks a bounce is handed to (notifications registers the one that
marks its sent e-mails bounced, in its AppConfig.ready): this channel never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
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


# Each reads a delivery status notification (the raw bytes) and answers how many sent
# messages it marked bounced.
bounce_readers: list[Callable[[bytes], int]] = []


def read_bounce(raw: bytes) -> int:
    """Hand a bounce to every registered reader; the number of messages they marked."""
    return sum(reader(raw) for reader in bounce_readers)
