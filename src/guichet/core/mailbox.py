"""The development e-mail backend: every message sent is one `.eml` file in EMAIL_FILE_PATH.

In development nothing leaves the machine and nothing is printed on the server's output (a
sign-in link there would end up in terminal scroll-back and logs): `guichet mails` lists what
was sent by every process (web server, worker) and shows one message, links included.
"""

from __future__ import annotations

import email
import email.policy
import itertools
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage as OutgoingMessage

_sequence = itertools.count()


def folder() -> Path:
    return Path(settings.EMAIL_FILE_PATH)


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[OutgoingMessage]) -> int:
        target = folder()
        target.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            name = f"{time.time_ns()}-{os.getpid()}-{next(_sequence)}.eml"
            partial = target / f".{name}.tmp"
            try:
                partial.write_bytes(message.message().as_bytes(linesep="\n"))
                partial.replace(target / name)  # never a half-written file in the listing
            except OSError:
                if not self.fail_silently:
                    raise
                continue
            sent += 1
        return sent


@dataclass(frozen=True)
class Sent:
    path: Path
    sent_at: datetime
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message.get("Subject", ""))

    @property
    def to(self) -> str:
        return str(self.message.get("To", ""))

    def text(self) -> str:
        """The plain-text body (the HTML one when there is no text part)."""
        part = self.message.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part is not None else ""


def sent_messages() -> Iterator[Sent]:
    """The messages sent, oldest first."""
    paths = sorted(folder().glob("*.eml"), key=lambda path: int(path.name.split("-", 1)[0]))
    for path in paths:
        with path.open("rb") as handle:
            message = email.message_from_binary_file(handle, policy=email.policy.default)
        sent_at = datetime.fromtimestamp(int(path.name.split("-", 1)[0]) / 1e9).astimezone()
        yield Sent(path=path, sent_at=sent_at, message=message)
