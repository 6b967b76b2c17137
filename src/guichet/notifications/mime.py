"""Serialising our own e-mails to bytes without the standard library's header folding.

`email.generator` re-parses and folds every header through `email.header.Header` (compat32
policy): a quarter of a worker's CPU per e-mail at 500 e-mails/s. The messages Django builds
for us have only short ASCII headers (Django already encodes non-ASCII ones, RFC 2047) and
payloads already transfer-encoded, so writing them out is string joining. Anything else (a
header that would need folding, a non-ASCII or multi-line value, a part without a boundary)
falls back to the standard generator, so the output is always a valid message.
"""

from __future__ import annotations

import re
from email.message import Message

MAX_LINE = 998  # RFC 5322's hard limit for a line
NEWLINES = re.compile(r"\r\n|\r|\n")


class _Unusual(Exception):
    """The message needs the standard generator."""


def as_bytes(message: Message, linesep: str = "\n") -> bytes:
    """`message.as_bytes(linesep=…)`, faster for the plain messages Guichet sends."""
    try:
        lines: list[str] = []
        _write(message, lines, linesep)
        # Bodies Django leaves in 8 bits are kept as surrogate-escaped bytes, as the generator
        # writes them back; a real non-ASCII character would fail here and fall back.
        return "".join(lines).encode("ascii", "surrogateescape")
    except (_Unusual, UnicodeEncodeError):
        # The class's own method (Django's, which turns off "From " mangling as we do).
        return type(message).as_bytes(message, linesep=linesep)


def _write(part: Message, out: list[str], nl: str) -> None:
    for name, value in part.items():
        if (
            not isinstance(value, str)
            or not value.isascii()
            or "\n" in value
            or "\r" in value
            or len(name) + len(value) + 2 > MAX_LINE
        ):
            raise _Unusual
        out.append(f"{name}: {value}{nl}")
    out.append(nl)
    if part.is_multipart():
        boundary = part.get_boundary()
        if not boundary or part.preamble or part.epilogue:
            raise _Unusual
        children = part.get_payload()
        for index, child in enumerate(children):
            out.append(f"--{boundary}{nl}" if index == 0 else f"{nl}--{boundary}{nl}")
            _write(child, out, nl)
        out.append(f"{nl}--{boundary}--{nl}")
        return
    # The raw payload, as `BytesGenerator` reads it: get_payload() would decode 8-bit bodies.
    payload = part._payload  # noqa: SLF001
    if not isinstance(payload, str):
        raise _Unusual
    # The generator's own line handling (`Generator._write_lines`): split on any newline,
    # join with `linesep`.
    body = NEWLINES.split(payload)
    if any(len(line) > MAX_LINE for line in body):
        raise _Unusual
    out.append(nl.join(body))
