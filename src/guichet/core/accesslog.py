"""Logged URLs with their secrets masked: gunicorn's access log and Django's request loggers.

Links sent to people carry secrets: sign-in tokens (which also hold the e-mail address),
tracking secrets (`/suivi/<ref>?cle=…`), opt-out, preference, survey and appointment tokens.
Whatever logs a URL writes it through `mask_url`: secret path segments and the values of
secret-looking query parameters become `***`, and so does any value holding an e-mail address.

    guichet serve  →  gunicorn --logger-class guichet.core.accesslog.AccessLogger
    settings.LOGGING  →  the `guichet.core.accesslog.MaskSecrets` filter on every handler

This module imports neither Django's settings nor the apps: gunicorn's master loads it.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any
from urllib.parse import unquote_plus

from gunicorn import glogging

MASK = "***"

# Path segments that are secrets, after the fixed part of their route.
SECRET_PATHS = [
    re.compile(pattern)
    for pattern in (
        r"(/connexion/lien/)[^/?#\s]+",
        r"(/mon-compte/notifications/lien/)[^/?#\s]+",
        r"(/mon-compte/donnees/telecharger/)[^/?#\s]+",
        r"(/mon-compte/courriel/)[^/?#\s]+",
        r"(/notifications/desabonnement/)[^/?#\s]+",
        r"(/rendez-vous/rdv/)[^/?#\s]+",
        r"(/satisfaction/)(?!scores(?:/|$))[^/?#\s]+",
        r"(/open311/v2/tokens/)[^/?#\s.]+",
    )
]
# Query parameters whose value is a secret or personal (matched anywhere in the name).
SECRET_PARAMETER = re.compile(
    r"cle|key|token|jeton|secret|code|passw|mot.?de.?passe|sig|otp|auth|session|"
    r"e.?mail|courriel|phone|telephone|facteur|factor",
    re.IGNORECASE,
)
EMAIL = re.compile(r"[^\s/?&=@]+(?:@|%40)[^\s/?&=@]+", re.IGNORECASE)
# Paths whose whole query is personal: what a person types as an address, where they click.
PRIVATE_QUERY_PATHS = re.compile(r"^/adresses/")
# Headers never written out when a format asks for them.
SECRET_HEADERS = {"cookie", "authorization", "x-api-key", "proxy-authorization", "set-cookie"}
URL_IN_TEXT = re.compile(r"""(?:[a-z][a-z0-9+.-]*://[^\s"']*|/[^\s"']*)""", re.IGNORECASE)


def mask_path(path: str) -> str:
    for pattern in SECRET_PATHS:
        path = pattern.sub(lambda match: match.group(1) + MASK, path)
    return EMAIL.sub(MASK, path)


def mask_query(query: str) -> str:
    parts = []
    for part in query.split("&"):
        name, equals, value = part.partition("=")
        if value and (SECRET_PARAMETER.search(unquote_plus(name)) or "@" in unquote_plus(value)):
            value = MASK
        parts.append(f"{name}{equals}{value}")
    return EMAIL.sub(MASK, "&".join(parts))


def mask_url(url: str | None) -> str | None:
    """`url` (a path, a path with its query, or an absolute URL) with its secrets masked."""
    if not url or url == "-":
        return url
    start = re.match(r"[a-z][a-z0-9+.-]*://[^/?#]*", url, re.IGNORECASE)
    origin, rest = (start.group(0), url[start.end() :]) if start else ("", url)
    rest = rest.split("#", 1)[0]
    path, question, query = rest.partition("?")
    if question and PRIVATE_QUERY_PATHS.match(path):
        return origin + mask_path(path) + question + MASK
    return origin + mask_path(path) + question + (mask_query(query) if question else "")


def mask_request_line(line: str | None) -> str | None:
    """`GET /connexion/lien/… HTTP/1.1` with the URI masked."""
    if not line:
        return line
    parts = line.split(" ")
    if len(parts) == 3:
        return f"{parts[0]} {mask_url(parts[1])} {parts[2]}"
    return mask_text(line)


def mask_text(text: str) -> str:
    """Every URL or path inside a free text masked."""
    return URL_IN_TEXT.sub(lambda match: mask_url(match.group(0)) or "", text)


class AccessLogger(glogging.Logger):
    """gunicorn's logger, writing the access log with secrets masked."""

    def atoms(
        self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta
    ) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        return mask_atoms(atoms)


def mask_atoms(atoms: dict[str, Any]) -> dict[str, Any]:
    masked = dict(atoms)
    masked["r"] = mask_request_line(atoms.get("r"))
    masked["U"] = mask_path(atoms.get("U") or "")
    masked["q"] = mask_query(atoms.get("q") or "")
    masked["f"] = mask_url(atoms.get("f"))
    for key, value in atoms.items():
        if not (key.startswith("{") and isinstance(value, str)):
            continue
        name = key[1:].rsplit("}", 1)[0].lower().replace("_", "-")
        if name in SECRET_HEADERS or name.removeprefix("http-") in SECRET_HEADERS:
            masked[key] = MASK
        elif name in {"referer", "http-referer", "raw-uri", "path-info", "request-uri"}:
            masked[key] = mask_url(value)
        elif name == "query-string":
            masked[key] = mask_query(value)
    return masked


class MaskSecrets(logging.Filter):
    """A logging filter: the record's message, once formatted, with its URLs masked.

    For Django's `django.server` (the development server's request lines) and
    `django.request` (the paths of refused requests).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True
