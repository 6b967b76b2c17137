"""Inbound e-mail tests: the request world, a real SMTP endpoint, e-mails built like clients do."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.policy import SMTP

import pytest
from cases.conftest import _module_world, world  # noqa: F401 (fixtures)
from cases.factories import PDF_BYTES, PNG_BYTES  # noqa: F401 (re-exported)
from notifications.servers import free_port

from guichet.channels.inbound_mail import server


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GUICHET_INBOUND_MAIL_DOMAIN = "guichet.exemple.fr"
    settings.GUICHET_INBOUND_MAIL_DEFAULT_AUTHORITY = ""


class Endpoint:
    """`guichet mail-inbound`'s server, started on a free port, and an SMTP client for it."""

    def __init__(self, max_bytes: int) -> None:
        self.port = free_port()
        self.controller = server.start("127.0.0.1", self.port, max_bytes=max_bytes)

    def send(self, message: EmailMessage | bytes, *, sender: str, to: list[str]):
        """Send like an MTA relaying to us; returns the (code, text) of the DATA answer."""
        with smtplib.SMTP("127.0.0.1", self.port, timeout=30) as client:
            client.ehlo("mx.exemple.fr")
            code, text = client.mail(sender)
            assert code == 250, text
            for rcpt in to:
                code, text = client.rcpt(rcpt)
                assert code == 250, text
            # CRLF line ends, as on the wire (smtplib sends bytes as given).
            data = message.as_bytes(policy=SMTP) if isinstance(message, EmailMessage) else message
            return client.data(data)

    def stop(self) -> None:
        server.stop(self.controller)


@pytest.fixture
def endpoint():
    running = Endpoint(max_bytes=200_000)
    yield running
    running.stop()


def email(
    *,
    sender: str = "Alice Martin <alice@exemple.fr>",
    to: str = "sceaux@guichet.exemple.fr",
    subject: str = "Bonjour",
    body: str = "Bonjour, voici ma question.",
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, bytes, str]] = (),
) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Message-ID"] = "<test@exemple.fr>"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for filename, data, content_type in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message
