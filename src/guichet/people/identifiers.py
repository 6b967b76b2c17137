"""Normalise and validate what people and organisations give us to be recognised by.

Every function returns the canonical form stored in the database or raises `IdentifierError`
with a message that can be shown to the user as is.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siret as stdnum_siret

from guichet.catalogue.validation.cleaners import RNA_PATTERN


class IdentifierError(ValueError):
    """An identifier that cannot be accepted; the message is French and user-facing."""


_email_validator = EmailValidator()

_SEPARATORS = re.compile(r"[\s.\-/]+")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
# NFKD leaves these ligatures whole: spell them out so "Œuvre" finds "oeuvre".
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d"})


def normalise_email(raw: object) -> str:
    """`raw` stripped and lowercased, local part included: we match addresses case-insensitively."""
    if not isinstance(raw, str) or not raw.strip():
        raise IdentifierError("Veuillez indiquer une adresse électronique.")
    value = raw.strip().lower()
    try:
        _email_validator(value)
    except ValidationError:
        raise IdentifierError(
            f"L'adresse électronique « {raw.strip()} » n'est pas valide."
        ) from None
    return value


def normalise_phone(raw: object, region: str = "FR") -> str:
    """`raw` in E.164 ("+33612345678"); national numbers are read as numbers of `region`."""
    if not isinstance(raw, str) or not raw.strip():
        raise IdentifierError("Veuillez indiquer un numéro de téléphone.")
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise IdentifierError(f"Le numéro de téléphone « {raw.strip()} » n'est pas valide.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def looks_like_phone(raw: str) -> bool:
    """Whether a search text is worth reading as a phone number (digits, spaces, +, dots)."""
    digits = sum(char.isdigit() for char in raw)
    return digits >= 6 and all(char.isdigit() or char in " +.-()/" for char in raw.strip())


def validate_siret(raw: object) -> str:
    """The 14 digits of a valid SIRET (Luhn checksum, La Poste's exception included)."""
    if not isinstance(raw, str):
        raise IdentifierError("Veuillez indiquer un numéro SIRET.")
    try:
        return stdnum_siret.validate(raw)
    except StdnumError:
        raise IdentifierError(
            f"Le numéro SIRET « {raw.strip()} » n'est pas valide (14 chiffres attendus)."
        ) from None


def validate_rna(raw: object) -> str:
    """A valid RNA number in capitals without separators, e.g. "W921000123"."""
    if not isinstance(raw, str):
        raise IdentifierError("Veuillez indiquer un numéro RNA.")
    value = _SEPARATORS.sub("", raw).upper()
    if not RNA_PATTERN.fullmatch(value):
        raise IdentifierError(
            f"Le numéro RNA « {raw.strip()} » n'est pas valide (W suivi de 9 chiffres attendu)."
        )
    return value


def fold(text: str) -> str:
    """Lowercase, accent-free, punctuation-free words: "Éloïse  D'Aubigné" → "eloise d aubigne"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_ALNUM.sub(" ", bare).strip()


def name_keys(first_name: str, last_name: str) -> tuple[str, str]:
    """The blocking keys of a name for duplicate detection: the first three folded letters of
    the first name and of the last name ("Éloïse", "Dupont" → "elo", "dup")."""
    return fold(first_name)[:3], fold(last_name)[:3]
