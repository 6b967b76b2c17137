"""What both APIs do to the texts they receive: as little as the standards ask.

Neither GeoReport v2 nor our OpenAPI document asks for any normalisation, so a text is
stored as it was sent, with its internal spaces and its line breaks (CRLF stays CRLF),
except that:

- the ends are stripped (spaces and line breaks before and after);
- it is put in Unicode NFC (a decomposed « é » is stored composed; nothing a reader sees
  changes), as the one form validator does for every channel;
- a control character other than tab, line feed and carriage return is **refused** with an
  error naming the field, never silently removed (PostgreSQL cannot store NUL, and the
  others are never meant in a report);
- a line break in a one-line text (an address, a name, a short answer) is refused too,
  never joined into a space.

The form validator (`catalogue.validation`) stores form answers the same way, except that it
drops the control characters a person cannot see (pasted from a word processor, carried by
an e-mail): the APIs refuse them first, in every form answer too (`refuse_controls`), so a
program learns of them instead of having its data changed.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from guichet.core.plurals import ngettext

ALLOWED_CONTROLS = frozenset("\t\n\r")


class TextRefused(ValueError):
    """A text the APIs do not store; the message (French) names the character."""


def refused_character(text: str) -> str | None:
    """The first control character (other than tab, LF, CR) or lone surrogate in `text`."""
    for character in text:
        if character in ALLOWED_CONTROLS:
            continue
        if unicodedata.category(character) in ("Cc", "Cs"):
            return character
    return None


def clean(text: str, *, max_length: int | None = None, single_line: bool = False) -> str:
    """`text` as stored: ends stripped, NFC; TextRefused for a control character, a line break
    in a `single_line` text, or past
    `max_length` characters (counted once stripped, a CRLF as one, as the form validator)."""
    character = refused_character(text)
    if character is not None:
        raise TextRefused(
            f"Caractère de contrôle non accepté (U+{ord(character):04X}) : "
            "retirez-le et envoyez de nouveau."
        )
    cleaned = unicodedata.normalize("NFC", text).strip()
    if single_line and ("\n" in cleaned or "\r" in cleaned):
        raise TextRefused("Ce champ tient sur une ligne : retirez les retours à la ligne.")
    length = len(cleaned) - cleaned.count("\r\n")  # a line break is one character, as typed
    if max_length is not None and length > max_length:
        raise TextRefused(
            ngettext(
                "Ce texte doit faire au plus %(n)d caractère",
                "Ce texte doit faire au plus %(n)d caractères",
                max_length,
            )
            % {"n": max_length}
            + f" (il en fait {length})."
        )
    return cleaned


def line(text: str) -> str:
    """`clean` for a one-line text (the REST API's names, e-mails, phones and addresses)."""
    return clean(text, single_line=True)


def refuse_controls(answers: Any) -> Any:
    """`answers` (a JSON value) unchanged; TextRefused naming the first answer whose text holds
    a control character (other than tab, LF, CR)."""
    for key, value in _texts(answers, ""):
        character = refused_character(value)
        if character is not None:
            where = f"{key} : " if key else ""
            raise TextRefused(
                f"{where}caractère de contrôle non accepté (U+{ord(character):04X}) : "
                "retirez-le et envoyez de nouveau."
            )
    return answers


def _texts(value: Any, key: str):
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _texts(name, key)  # a key is text too
            yield from _texts(item, f"{key}.{name}" if key else str(name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item, key)
