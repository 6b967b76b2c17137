"""The SMTP endpoint (aiosmtpd): receives e-mail relayed by the MTA and hands it to the intake.

The event loop only speaks SMTP. Each message is filed by `intake.ingest` in one worker
thread, one message at a time: Django's ORM is synchronous, and a single writer keeps the
embedded SQLite database happy. The answer to DATA comes after the message is written, so a
250 means "stored"; if the database is down the answer is 451 and the MTA retries later.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.db import close_old_connections

from guichet.channels.inbound_mail import intake

log = logging.getLogger(__name__)

TRY_LATER = "451 4.3.0 Temporary failure, please try again later"


class IntakeHandler:
    """aiosmtpd handler: every complete message goes to `intake.ingest`, off the event loop."""

    def __init__(self, *, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail-inbound")

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        raw = envelope.original_content or b""
        if isinstance(envelope.content, bytes) and not raw:
            raw = envelope.content
        try:
            mail = await self._in_worker(
                intake.ingest, raw, envelope_from=_sender(envelope),
                recipients=list(envelope.rcpt_tos),
            )  # fmt: skip
        except Exception:
            log.exception("inbound e-mail not stored, the sender will retry")
            return TRY_LATER
        return f"250 2.0.0 OK {mail.status} #{mail.pk}"

    async def record_rejection(self, envelope: Envelope | None) -> None:
        """Keep a trace of a message refused as too large (best effort: it is refused anyway)."""
        megabytes = f"{self.max_bytes / (1024 * 1024):g}".replace(".", ",")
        try:
            await self._in_worker(
                intake.record_rejection,
                reason=f"Courriel trop volumineux (plus de {megabytes} Mo) : refusé à la "
                "réception (552), l'expéditeur en est averti par sa messagerie.",
                envelope_from=_sender(envelope) if envelope else "",
                recipients=list(envelope.rcpt_tos) if envelope else [],
            )  # fmt: skip
        except Exception:
            log.exception("rejected inbound e-mail not recorded")

    async def _in_worker(self, function, *args: Any, **kwargs: Any):
        def run():
            close_old_connections()
            try:
                return function(*args, **kwargs)
            finally:
                close_old_connections()

        return await asyncio.get_running_loop().run_in_executor(self.executor, run)

    def close(self) -> None:
        self.executor.shutdown(wait=True)


def _sender(envelope: Envelope) -> str:
    # aiosmtpd gives the null sender of bounces (MAIL FROM:<>) as "<>".
    return "" if envelope.mail_from in (None, "<>") else envelope.mail_from


class _RecordingSMTP(SMTP):
    """aiosmtpd answers 552 itself (SIZE in MAIL FROM, or too much DATA): note it first."""

    async def push(self, status):
        text = status.decode("ascii", "replace") if isinstance(status, bytes) else status
        if text.startswith("552") and isinstance(self.event_handler, IntakeHandler):
            await self.event_handler.record_rejection(self.envelope)
        await super().push(status)


class InboundController(Controller):
    def factory(self) -> SMTP:
        return _RecordingSMTP(self.handler, **self.SMTP_kwargs)


def start(host: str, port: int, *, max_bytes: int | None = None) -> InboundController:
    """Start the endpoint in a background thread; call `stop(controller)` to end it."""
    limit = max_bytes or settings.GUICHET_INBOUND_MAIL_MAX_BYTES
    handler = IntakeHandler(max_bytes=limit)
    controller = InboundController(
        handler, hostname=host, port=port, data_size_limit=limit,
        server_hostname=settings.GUICHET_INBOUND_MAIL_DOMAIN or None, ready_timeout=10,
    )  # fmt: skip
    controller.start()
    return controller


def stop(controller: InboundController) -> None:
    controller.stop()
    if isinstance(controller.handler, IntakeHandler):
        controller.handler.close()
