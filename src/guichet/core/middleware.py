"""Hostile input is refused once, here, before any view or database sees it.

`RefuseHostileInput` answers 400 (or 413, 414) when a request carries what no page, form or
API of Guichet can use and what would otherwise reach a query or a stored row:
- in the path: bytes that are not UTF-8, NUL and other control characters (C0, DEL, C1), and
  the bidirectional overrides that make an address read differently than it is;
- in the query string: names or values that are not text in the request's charset, NUL and
  control characters (tab and line breaks aside in values), more fields than Django parses;
- in a form post: an unsupported charset, bytes invalid in the declared one (UTF-8 by
  default), NUL, a multipart body Django cannot parse; never stored as U+FFFD (Django's
  multipart parser leaves no other trace of bytes it could not decode, so a multipart text
  field holding U+FFFD itself is refused too);
- a body larger than the limits (settings `DATA_UPLOAD_MAX_MEMORY_SIZE` for bodies read whole,
  `GUICHET_MAX_BODY_SIZE` for any body), before it is read.

A URL-encoded form may declare its charset (`charset=iso-8859-1`, `windows-1252`): it is
decoded with it, by the WHATWG labels browsers use (ISO-8859-1 and ASCII mean windows-1252),
so an Open311 client in Latin-1 files "é", not "Ã©" nor "�".

Pages get a French error page (`guichet/refusal.html`); an app that answers machines under a
path prefix registers its own error format with `answer_refusals_under` (the API does).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes, urlencode

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.http import HttpRequest, HttpResponse, QueryDict, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.datastructures import MultiValueDict

MAX_ID = 2**63 - 1  # the largest id a database column holds (bigint)
# A request line longer than this gets 414 (nginx's default header buffer is 8 KiB too).
MAX_URL_BYTES = 8 * 1024
# The charsets a body may declare, by their WHATWG labels (https://encoding.spec.whatwg.org):
# what a browser or a legacy client sends. ISO-8859-1 and ASCII are decoded as windows-1252,
# as browsers do, so "’" or "€" typed in a Latin-1 page arrive whole.
CHARSETS = {
    "utf-8": "utf-8", "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8",
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "iso_8859-1": "cp1252", "latin1": "cp1252",
    "l1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252", "windows-1252": "cp1252",
    "cp1252": "cp1252", "iso-8859-15": "iso8859-15", "iso8859-15": "iso8859-15",
    "latin-9": "iso8859-15",
}  # fmt: skip
# Format characters that reorder what is displayed (Trojan Source): never in an address.
BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
TEXT_CONTROLS = frozenset("\t\n\r")
REPLACEMENT = "\ufffd"
BROKEN_BYTE = re.compile(r"%[89A-F][0-9A-F]")


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused: the HTTP status, a stable code, a French message, where."""

    status: int
    code: str
    message: str
    field: str = "__all__"
    title: str = "Requête refusée"


Renderer = Callable[[HttpRequest, Refusal], HttpResponse]
_renderers: dict[str, Renderer] = {}


def answer_refusals_under(prefix: str, renderer: Renderer) -> None:
    """Answer the refusals of paths starting with `prefix` with `renderer` (an API's format)."""
    _renderers[prefix] = renderer


def render_refusal(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    """The refusal in the format of the path's app: its registered renderer, or a page."""
    path = request.path_info
    for prefix in sorted(_renderers, key=len, reverse=True):
        if path.startswith(prefix):
            return _renderers[prefix](request, refusal)
    return render(
        request,
        "guichet/refusal.html",
        {"title": refusal.title, "message": refusal.message, "status": refusal.status},
        status=refusal.status,
    )


class RefuseHostileInput:
    """Refuse hostile paths, query strings and bodies before anything else reads them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = refusal_for(request)
        if refusal is not None:
            return render_refusal(request, refusal)
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        # `<int:pk>` matches any run of digits; no row has an id past 64 bits, and the
        # databases refuse such a number in a query (SQLite raises, PostgreSQL too).
        if any(
            isinstance(v, int) and not -MAX_ID <= v <= MAX_ID for v in [*args, *kwargs.values()]
        ):
            refusal = Refusal(
                404, "introuvable", "Aucune page ne correspond à cet identifiant.",
                field="path", title="Page introuvable",
            )  # fmt: skip
            return render_refusal(request, refusal)
        return None


def refusal_for(request: HttpRequest) -> Refusal | None:
    """The first reason to refuse `request`, or None; decodes its form body on the way."""
    return (
        _url_refusal(request)
        or _charset_refusal(request)
        or _size_refusal(request)
        or _query_refusal(request)
        or _form_refusal(request)
    )


# --- the address --------------------------------------------------------------------------


def _url_refusal(request: HttpRequest) -> Refusal | None:
    # Django decodes the path itself, percent-encoding again the bytes that are not UTF-8
    # (`%C3(` for the bytes C3 28) and overwriting PATH_INFO: such an escape of a byte past
    # ASCII marks them, as no address of Guichet holds a literal "%".
    path = request.path_info
    raw_query = get_bytes_from_wsgi(request.META, "QUERY_STRING", "")
    if len(path.encode("utf-8", "replace")) + len(raw_query) > MAX_URL_BYTES:
        return Refusal(
            414, "adresse_trop_longue",
            f"L'adresse demandée est trop longue (plus de {MAX_URL_BYTES} octets).",
            title="Adresse trop longue",
        )  # fmt: skip
    if BROKEN_BYTE.search(path):
        return Refusal(
            400, "encodage_invalide",
            "L'adresse demandée contient des octets qui ne sont pas de l'UTF-8 valide.",
            field="path", title="Adresse invalide",
        )  # fmt: skip
    bad = next((c for c in path if _is_control(c) or c in BIDI_CONTROLS), None)
    if bad is not None:
        return Refusal(
            400, "caractere_interdit",
            f"L'adresse demandée contient un caractère interdit ({_name(bad)}).",
            field="path", title="Adresse invalide",
        )  # fmt: skip
    return None


def _query_refusal(request: HttpRequest) -> Refusal | None:
    raw = get_bytes_from_wsgi(request.META, "QUERY_STRING", "")
    if not raw:
        return None
    encoding = request.encoding or settings.DEFAULT_CHARSET
    try:
        _decoded_pairs(raw, encoding)
    except _Undecodable as error:
        where = f"query.{error.name}" if error.name else "query"
        if error.reason == "too_many":
            return _too_many_fields(where)
        if error.reason == "bytes":
            return Refusal(
                400, "encodage_invalide",
                f"Le paramètre d'adresse « {error.name or '?'} » contient des octets qui ne "
                f"sont pas du texte valide ({_label(encoding)}).",
                field=where, title="Adresse invalide",
            )  # fmt: skip
        return Refusal(
            400, "caractere_interdit",
            f"Le paramètre d'adresse « {error.name or '?'} » contient un caractère interdit "
            f"({_name(error.char)}).",
            field=where, title="Adresse invalide",
        )  # fmt: skip
    return None


# --- the body -----------------------------------------------------------------------------


def _charset_refusal(request: HttpRequest) -> Refusal | None:
    """Refuse an unknown declared charset; decode a known one as browsers do."""
    if request.content_type not in FORM_TYPES:
        return None  # a JSON body is read as JSON (UTF-8), whatever it declares
    declared = (request.content_params or {}).get("charset")
    if declared is None:
        return None
    encoding = CHARSETS.get(declared.strip().strip('"').lower())
    if encoding is None:
        return Refusal(
            400, "jeu_de_caracteres_inconnu",
            f"Jeu de caractères non pris en charge : « {declared[:40]} » (UTF-8, ISO-8859-1, "
            "ISO-8859-15 ou windows-1252 sont acceptés).",
            field="Content-Type",
        )  # fmt: skip
    if request.encoding != encoding:
        request.encoding = encoding
    return None


def _size_refusal(request: HttpRequest) -> Refusal | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = settings.GUICHET_MAX_BODY_SIZE
    if request.content_type != "multipart/form-data":
        # Read whole into memory: Django's own limit, applied before a byte is read.
        limit = min(limit, settings.DATA_UPLOAD_MAX_MEMORY_SIZE or limit)
    if length > limit:
        return _too_big(limit)
    return None


def _form_refusal(request: HttpRequest) -> Refusal | None:
    if request.method != "POST":
        return None
    try:
        if request.content_type == "application/x-www-form-urlencoded":
            return _decode_urlencoded(request)
        if request.content_type == "multipart/form-data":
            return _check_multipart(request)
    except RequestDataTooBig:
        return _too_big(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    except TooManyFieldsSent:
        return _too_many_fields("body")
    except TooManyFilesSent:
        return Refusal(
            400, "trop_de_fichiers",
            f"La requête joint trop de fichiers ({settings.DATA_UPLOAD_MAX_NUMBER_FILES} au plus).",
            field="body",
        )  # fmt: skip
    except (MultiPartParserError, SuspiciousOperation, UnreadablePostError):
        return Refusal(
            400, "formulaire_illisible",
            "Le formulaire envoyé est illisible (corps multipart mal formé ou interrompu).",
            field="body",
        )  # fmt: skip
    return None


def _decode_urlencoded(request: HttpRequest) -> Refusal | None:
    """Decode the body strictly with its charset and hand the result to request.POST."""
    encoding = request.encoding or settings.DEFAULT_CHARSET
    try:
        pairs = _decoded_pairs(request.body, encoding, allow=TEXT_CONTROLS)
    except _Undecodable as error:
        return _body_refusal(error, encoding)
    # Re-encoded as UTF-8, which Django's QueryDict parses back to the same pairs.
    request.POST = QueryDict(urlencode(pairs), encoding="utf-8")
    request._files = MultiValueDict()  # type: ignore[attr-defined]  # noqa: SLF001 - POST set by hand: no files
    return None


def _check_multipart(request: HttpRequest) -> Refusal | None:
    """Parse the upload now; refuse text Django could only decode with U+FFFD, or NUL."""
    encoding = request.encoding or settings.DEFAULT_CHARSET
    texts: list[tuple[str, str]] = []
    for name, values in request.POST.lists():
        texts.append((name, name))
        texts.extend((name, value) for value in values)
    for name, uploads in request.FILES.lists():
        texts.append((name, name))
        texts.extend((name, upload.name or "") for upload in uploads)
    for name, text in texts:
        if REPLACEMENT in text:
            return _body_refusal(_Undecodable("bytes", name), encoding)
        if "\x00" in text:
            return _body_refusal(_Undecodable("char", name, "\x00"), encoding)
    return None


def _body_refusal(error: _Undecodable, encoding: str) -> Refusal:
    field = f"body.{error.name}" if error.name else "body"
    label = f"« {error.name} »" if error.name else "sans nom"
    if error.reason == "too_many":
        return _too_many_fields("body")
    if error.reason == "bytes":
        return Refusal(
            400, "encodage_invalide",
            f"Le champ {label} contient des octets qui ne sont pas du texte valide "
            f"({_label(encoding)}) : vérifiez le jeu de caractères déclaré (charset).",
            field=field,
        )  # fmt: skip
    return Refusal(
        400, "caractere_interdit",
        f"Le champ {label} contient un caractère interdit ({_name(error.char)}).",
        field=field,
    )  # fmt: skip


def _too_big(limit: int) -> Refusal:
    return Refusal(
        413, "corps_trop_volumineux",
        f"La requête est trop volumineuse : {human_size(limit)} au plus.",
        field="body", title="Envoi trop volumineux",
    )  # fmt: skip


def _too_many_fields(field: str) -> Refusal:
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    return Refusal(
        400, "trop_de_champs", f"La requête compte trop de champs ({limit} au plus).", field=field
    )


# --- decoding -----------------------------------------------------------------------------


class _Undecodable(Exception):  # noqa: N818 - internal signal, never raised out of here
    def __init__(self, reason: str, name: str = "", char: str = "") -> None:
        super().__init__(reason)
        self.reason, self.name, self.char = reason, name, char


def _decoded_pairs(
    raw: bytes, encoding: str, *, allow: frozenset[str] = TEXT_CONTROLS
) -> list[tuple[str, str]]:
    """`a=1&b=2` as decoded pairs, as Django's QueryDict reads them, but strict: raise
    _Undecodable for bytes invalid in `encoding` or a control character (`allow` aside)."""
    pairs: list[tuple[str, str]] = []
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    for chunk in raw.split(b"&"):
        if not chunk:
            continue
        if limit is not None and len(pairs) >= limit:
            raise _Undecodable("too_many")
        raw_name, _, raw_value = chunk.partition(b"=")
        name = _decode(raw_name, encoding, "")
        value = _decode(raw_value, encoding, name)
        bad = next((c for c in name if _is_control(c)), None)
        bad = bad or next((c for c in value if _is_control(c) and c not in allow), None)
        if bad is not None:
            raise _Undecodable("char", name[:40], bad)
        pairs.append((name, value))
    return pairs


def _decode(raw: bytes, encoding: str, name: str) -> str:
    try:
        return unquote_to_bytes(raw.replace(b"+", b" ")).decode(encoding)
    except UnicodeDecodeError:
        if not name:  # the name itself is undecodable: show what can be read of it
            name = raw.decode("ascii", "replace").replace(REPLACEMENT, "?")
        raise _Undecodable("bytes", name[:40]) from None


def _is_control(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cs")


def _name(char: str) -> str:
    if char == "\x00":
        return "le caractère nul U+0000"
    return f"U+{ord(char):04X}"


def _label(encoding: str) -> str:
    return {"utf-8": "UTF-8", "cp1252": "windows-1252", "iso8859-15": "ISO-8859-15"}.get(
        codecs.lookup(encoding).name, encoding
    )


def human_size(size: int) -> str:
    """12 Mo, 64 ko: a byte count as French users read it."""
    value, unit = (size / 1024**2, "Mo") if size >= 1024**2 else (size / 1024, "ko")
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",") + f" {unit}"
