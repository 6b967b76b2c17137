"""Reading an inbound e-mail: headers, text, attachments, and what looks wrong with it.

Only the standard library (`email` with `policy.default`). Nothing here touches the database;
`parse()` never raises on bad input: what cannot be read becomes `malformed` (a French reason).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import errors as email_errors
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses
from html.parser import HTMLParser

# Defects after which the structure of the message cannot be trusted (what we would show the
# agent may not be what was sent). Softer defects (a bad header encoding) are tolerated.
STRUCTURAL_DEFECTS = (
    email_errors.MissingHeaderBodySeparatorDefect,
    email_errors.StartBoundaryNotFoundDefect,
    email_errors.MultipartInvariantViolationDefect,
    email_errors.NoBoundaryInMultipartDefect,
    email_errors.FirstHeaderLineIsContinuationDefect,
    email_errors.MisplacedEnvelopeHeaderDefect,
)

# Where a reply's quoted history starts, in the clients people use in France.
_QUOTE_START = re.compile(
    r"^\s*(Le .{0,200}a écrit\s*:|On .{0,200}wrote\s*:"
    r"|-{2,}\s*(Original Message|Message d'origine|Message original)\s*-{2,}"
    r"|De\s*:\s.*@|From\s*:\s.*@)",
    re.IGNORECASE,
)


@dataclass
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass
class ParsedMail:
    """What the intake decides on. `malformed` is a French reason, empty when readable."""

    raw: bytes
    malformed: str = ""
    sender: str = ""  # the From address, lower-cased; empty when absent or unreadable
    sender_name: str = ""
    subject: str = ""
    message_id: str = ""
    recipients: list[str] = field(default_factory=list)  # header recipients, lower-cased
    body: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased name → first value
    content_type: str = ""


def parse(raw: bytes) -> ParsedMail:
    """Read `raw`; any failure becomes a `malformed` reason rather than an exception."""
    parsed = ParsedMail(raw=raw)
    try:
        message = message_from_bytes(raw, policy=policy.default)
        _read_headers(message, parsed)
        defects = _structural_defects(message)
        if defects:
            parsed.malformed = "Message MIME mal formé (" + ", ".join(defects) + ")"
            return parsed
        parsed.body = _text_of(message)
        parsed.attachments = _attachments_of(message)
    except Exception as error:  # noqa: BLE001 - any parser failure is a quarantine reason
        parsed.malformed = f"Message illisible ({type(error).__name__})"
    return parsed


def _read_headers(message: EmailMessage, parsed: ParsedMail) -> None:
    for name in message:
        key = name.lower()
        if key not in parsed.headers:
            parsed.headers[key] = _header_text(message, name)
    parsed.subject = " ".join(_header_text(message, "Subject").split())
    parsed.message_id = _header_text(message, "Message-ID").strip()
    parsed.content_type = message.get_content_type()
    name, address = _single_address(_header_text(message, "From"))
    parsed.sender, parsed.sender_name = address, name
    recipients = []
    for header in ("Delivered-To", "X-Original-To", "To", "Cc"):
        for value in message.get_all(header) or []:
            for _, found in getaddresses([str(value)]):
                if "@" in found and found.lower() not in recipients:
                    recipients.append(found.lower())
    parsed.recipients = recipients


def _header_text(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # noqa: BLE001 - a header the parser chokes on reads as absent
        return ""
    return str(value) if value is not None else ""


def _single_address(value: str) -> tuple[str, str]:
    pairs = [(n, a) for n, a in getaddresses([value]) if "@" in a]
    if len(pairs) != 1:
        return "", ""
    name, address = pairs[0]
    local, _, domain = address.rpartition("@")
    if not local or "." not in domain:
        return "", ""
    return " ".join(name.split()), address.lower()


def _structural_defects(message: EmailMessage) -> list[str]:
    found = []
    for part in message.walk():
        for defect in part.defects:
            if isinstance(defect, STRUCTURAL_DEFECTS) and type(defect).__name__ not in found:
                found.append(type(defect).__name__)
    return found


def _text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if not isinstance(content, str):
        return ""
    if part.get_content_subtype() == "html":
        content = _HtmlText.extract(content)
    return without_quoted_history(content)


def without_quoted_history(text: str) -> str:
    """The new part of a reply: the quoted history dropped (kept whole if nothing is left)."""
    kept = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if _QUOTE_START.match(line):
            break
        if not line.lstrip().startswith(">"):
            kept.append(line.rstrip())
    new = "\n".join(kept).strip()
    return new or text.strip()


def _attachments_of(message: EmailMessage) -> list[Attachment]:
    body = message.get_body(preferencelist=("plain", "html"))
    found = []
    for part in message.walk():
        if part.is_multipart() or part is body:
            continue
        filename = part.get_filename()
        if not filename and part.get_content_disposition() != "attachment":
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            continue
        found.append(
            Attachment(
                filename=" ".join((filename or "piece-jointe").split())[:120],
                content_type=part.get_content_type(),
                data=data,
            )
        )
    return found


class _HtmlText(HTMLParser):
    """Visible text of an HTML body (scripts and styles dropped, blocks become lines)."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.chunks.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.chunks.append(data)

    @classmethod
    def extract(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        parser.close()
        lines = (" ".join(line.split()) for line in "".join(parser.chunks).split("\n"))
        return "\n".join(line for line in lines if line)
