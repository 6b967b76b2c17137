"""The cleaning of one answer, per field type: the raw value a channel sent in, the cleaned
JSON-safe value out, or `Invalid` with French messages (see the package's docstring)."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils import timezone
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siret as stdnum_siret

from guichet.catalogue.formdef import FRANCE_BOXES
from guichet.catalogue.uploads import clean_uploads, uploaded_list
from guichet.core.plurals import ngettext

REQUIRED = "Ce champ est obligatoire."
_LARGEST_NUMBER = Decimal(10) ** 15
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TRUE = {"on", "true", "1", "oui", "yes"}
_FALSE = {"off", "false", "0", "non", "no"}
_email_validator = EmailValidator()
# The RNA (répertoire national des associations) has no checksum: "W" then 9 digits; Corsican
# prefectures number theirs with their department code (2A, 2B). As guichet.people.identifiers
# reads it (the catalogue sits below people and may not import it).
# The RNA (répertoire national des associations) has no checksum, hence no stdnum module:
# "W" then 9 digits; Corsican prefectures number theirs with their department code (2A, 2B).
# The people app checks organisations' numbers with the same pattern.
RNA_PATTERN = re.compile(r"W(?:[0-9]{3}|2[AB][0-9])[0-9]{6}")
_SEPARATORS = re.compile(r"[\s.\-/]+")


class Invalid(Exception):
    """One answer refused: its French messages."""

    def __init__(self, *messages: str) -> None:
        self.messages = list(messages)


EMPTY = object()  # no answer (an empty optional field): left out of the cleaned data


def clean_field(field: Any, data: Mapping[str, Any], files: Mapping[str, Any]) -> Any:
    if field.type == "file":
        return _clean_files(field, files)
    if field.type == "checkbox":
        ticked = _checkbox(data.get(field.name))
        if field.required and not ticked:
            raise Invalid("Vous devez cocher cette case pour continuer.")
        return ticked
    raw = _raw_value(field, data)
    value = EMPTY if is_empty(raw) else _CLEANERS[field.type](field, raw)
    if value is EMPTY and field.required:
        raise Invalid(REQUIRED)
    return value


def _raw_value(field: Any, data: Mapping[str, Any]) -> Any:
    name = field.name
    getlist = getattr(data, "getlist", None)
    if field.type == "multiple_choice" and callable(getlist):
        return getlist(name)
    if field.type == "location" and name not in data and f"{name}_lat" in data:
        # an HTML form may post the point as two inputs, `<name>_lat` and `<name>_lon`
        return {"lat": data.get(f"{name}_lat"), "lon": data.get(f"{name}_lon")}
    return data.get(name)


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple | dict) and not value


# --- text ------------------------------------------------------------------------------


def _text(raw: Any, *, single_line: bool = False) -> str:
    """The text as stored: as sent (inner spaces, CRLF), NFC, ends stripped (docs/api.md).

    Control characters other than tab, LF and CR are dropped: a person pasting from a word
    processor or an e-mail carrying a form feed should not be refused for what they cannot
    see (the APIs refuse them before, see guichet.api.text). A line break inside a one-line
    field is refused, not joined: a browser's one-line input never sends one.
    """
    if isinstance(raw, bool) or not isinstance(raw, str | int | Decimal):
        raise Invalid("Saisissez un texte.")
    text = unicodedata.normalize("NFC", str(raw))
    # control characters cannot be stored in PostgreSQL's jsonb (NUL) or shown sensibly
    text = "".join(c for c in text if c in "\t\n\r" or unicodedata.category(c) != "Cc")
    if any(unicodedata.category(c) == "Cs" for c in text):
        raise Invalid("Le texte contient des caractères invalides.")
    text = text.strip()
    if single_line and ("\n" in text or "\r" in text):
        raise Invalid("Ce champ tient sur une ligne : retirez les retours à la ligne.")
    return text


def _options(lead: str, count: int) -> str:
    return f"{lead} " + ngettext("%(n)d option.", "%(n)d options.", count) % {"n": count}


def _characters(count: int) -> str:
    return ngettext("%(n)d caractère", "%(n)d caractères", count) % {"n": count}


def _length_checks(text: str, min_length: int | None, max_length: int | None) -> None:
    # A line break counts as one character however it is sent, as a browser counts it.
    length = len(text) - text.count("\r\n")
    if max_length is not None and length > max_length:
        raise Invalid(
            f"Ce texte doit faire au plus {_characters(max_length)} (il en fait {length})."
        )
    if min_length is not None and length < min_length:
        raise Invalid(
            f"Ce texte doit faire au moins {_characters(min_length)} (il en fait {length})."
        )


def _clean_text(field: Any, raw: Any) -> Any:
    text = _text(raw, single_line=field.type == "short_text")
    if not text:
        return EMPTY
    _length_checks(text, field.min_length, field.max_length)
    if field.pattern is not None and re.fullmatch(field.pattern, text) is None:
        raise Invalid(field.pattern_message)
    return text


def _clean_address(field: Any, raw: Any) -> Any:
    text = _text(raw, single_line=True)
    if not text:
        return EMPTY
    _length_checks(text, 3, field.max_length)
    return text


def _clean_email(field: Any, raw: Any) -> Any:
    text = _text(raw, single_line=True)
    if not text:
        return EMPTY
    try:
        if len(text) > 254:
            raise ValidationError("too long")
        _email_validator(text)
    except ValidationError:
        raise Invalid("Saisissez une adresse électronique valide.") from None
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def _clean_phone(field: Any, raw: Any) -> Any:
    text = _text(raw, single_line=True)
    if not text:
        return EMPTY
    invalid = Invalid("Numéro de téléphone invalide.")
    if len(text) > 40:
        raise invalid
    try:
        number = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException:
        raise invalid from None
    if not phonenumbers.is_valid_number(number):
        raise invalid
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _clean_siret(field: Any, raw: Any) -> Any:
    text = _text(raw, single_line=True)
    if not text:
        return EMPTY
    compact = _SEPARATORS.sub("", text)
    if not re.fullmatch(r"[0-9]{14}", compact):
        raise Invalid("Un numéro SIRET comporte 14 chiffres (par exemple 732 829 320 00074).")
    try:
        return stdnum_siret.validate(compact)
    except StdnumError:
        raise Invalid(
            "Ce numéro SIRET n’existe pas : vérifiez les 14 chiffres, l’un d’eux est erroné."
        ) from None


def _clean_rna(field: Any, raw: Any) -> Any:
    text = _text(raw, single_line=True)
    if not text:
        return EMPTY
    compact = _SEPARATORS.sub("", text).upper()
    if not RNA_PATTERN.fullmatch(compact):
        raise Invalid("Un numéro RNA s’écrit W suivi de 9 chiffres (par exemple W921000123).")
    return compact


# --- numbers and dates ---------------------------------------------------------------


def _decimal(raw: Any) -> Decimal:
    """A finite Decimal from a JSON number or a typed string ("1 250,5" is fine)."""
    invalid = Invalid("Saisissez un nombre.")
    if isinstance(raw, bool):
        raise invalid
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise invalid
        raw = Decimal(repr(raw))
    elif isinstance(raw, int):
        raw = Decimal(raw) if abs(raw) <= _LARGEST_NUMBER else Decimal(_LARGEST_NUMBER + 1)
    elif isinstance(raw, str):
        text = "".join(raw.split())  # thousands separators: spaces, non-breaking spaces
        if len(text) > 40 or not _NUMBER.fullmatch(text):
            raise invalid
        raw = Decimal(text.replace(",", "."))
    if not isinstance(raw, Decimal) or not raw.is_finite():
        raise invalid
    if abs(raw) > _LARGEST_NUMBER:
        raise Invalid("Ce nombre est trop grand.")
    return raw


def _clean_number(field: Any, raw: Any) -> Any:
    value = _decimal(raw)
    is_integer = value == value.to_integral_value()
    if field.integer_only and not is_integer:
        raise Invalid("Saisissez un nombre entier.")
    if field.min_value is not None and value < field.min_value:
        raise Invalid(f"La valeur doit être supérieure ou égale à {_french(field.min_value)}.")
    if field.max_value is not None and value > field.max_value:
        raise Invalid(f"La valeur doit être inférieure ou égale à {_french(field.max_value)}.")
    return int(value) if is_integer else float(value)


def _french(number: Decimal) -> str:
    return format(number.normalize(), "f").replace(".", ",")


def _clean_date(field: Any, raw: Any) -> Any:
    if isinstance(raw, dt.datetime):
        value = raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    elif isinstance(raw, str) and _ISO_DATE.fullmatch(raw.strip()):
        try:
            value = dt.date.fromisoformat(raw.strip())
        except ValueError:
            raise Invalid("Cette date n’existe pas.") from None
    else:
        raise Invalid("La date doit être au format AAAA-MM-JJ.")
    today = timezone.localdate()
    if field.not_in_past and value < today:
        raise Invalid("La date ne peut pas être dans le passé.")
    if field.not_in_future and value > today:
        raise Invalid("La date ne peut pas être dans le futur.")
    if field.min_date is not None and value < field.min_date:
        raise Invalid(f"La date doit être le {field.min_date:%d/%m/%Y} ou après.")
    if field.max_date is not None and value > field.max_date:
        raise Invalid(f"La date doit être le {field.max_date:%d/%m/%Y} ou avant.")
    return value.isoformat()


# --- choices, checkboxes, places, files ---------------------------------------------


def _choice_value(raw: Any) -> str | None:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        return None
    return str(raw).strip()


def _shown(value: Any) -> str:
    text = "".join(c for c in str(value) if unicodedata.category(c) not in ("Cc", "Cs"))
    return text if len(text) <= 40 else text[:39] + "…"


def _clean_choice(field: Any, raw: Any) -> Any:
    value = _choice_value(raw)
    if value is None:
        raise Invalid("Choix invalide.")
    if value not in field.values:
        raise Invalid(f"Choix invalide : « {_shown(value)} ».")
    return value


def _clean_multiple_choice(field: Any, raw: Any) -> Any:
    items = list(raw) if isinstance(raw, list | tuple) else [raw]
    selected: set[str] = set()
    messages = []
    for item in items:
        value = _choice_value(item)
        if value is None:
            messages.append("Choix invalide.")
        elif value and value not in field.values:
            messages.append(f"Choix invalide : « {_shown(value)} ».")
        elif value:
            selected.add(value)
    if messages:
        raise Invalid(*list(dict.fromkeys(messages))[:5])
    if not selected:
        return EMPTY
    if field.min_selections is not None and len(selected) < field.min_selections:
        raise Invalid(_options("Choisissez au moins", field.min_selections))
    if field.max_selections is not None and len(selected) > field.max_selections:
        raise Invalid(_options("Choisissez au plus", field.max_selections))
    return [value for value in field.values if value in selected]


def _checkbox(raw: Any) -> bool:
    if raw is None or isinstance(raw, bool):
        return bool(raw)
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        word = raw.strip().lower()
        if word in _TRUE:
            return True
        if not word or word in _FALSE:
            return False
    raise Invalid("Valeur invalide pour une case à cocher.")


def _clean_location(field: Any, raw: Any) -> Any:
    invalid = Invalid("Position invalide : indiquez une latitude et une longitude.")
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith("{"):
            try:
                raw = json.loads(text)
            except ValueError:
                raise invalid from None
        else:
            parts = text.split(",")
            raw = {"lat": parts[0], "lon": parts[1]} if len(parts) == 2 else None
    if isinstance(raw, Mapping) and raw.get("type") == "Point":
        coordinates = raw.get("coordinates")  # GeoJSON: longitude first
        if not isinstance(coordinates, list | tuple) or len(coordinates) != 2:
            raise invalid
        raw = {"lat": coordinates[1], "lon": coordinates[0]}
    if not isinstance(raw, Mapping):
        raise invalid
    try:
        lat = float(_decimal(raw.get("lat")))
        lon = float(_decimal(raw.get("lon", raw.get("lng"))))
    except Invalid:
        raise invalid from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise invalid
    if not any(s <= lat <= n and w <= lon <= e for s, w, n, e in FRANCE_BOXES):
        raise Invalid("Ce point n’est pas situé en France.")
    return {"lat": round(lat, 6), "lon": round(lon, 6)}


def _clean_files(field: Any, files: Mapping[str, Any]) -> Any:
    getlist = getattr(files, "getlist", None)
    uploads = getlist(field.name) if callable(getlist) else uploaded_list(files.get(field.name))
    if not uploads:
        if field.required:
            raise Invalid(REQUIRED)
        return EMPTY
    cleaned, messages = clean_uploads(field, uploads)
    if messages:
        raise Invalid(*messages)
    return cleaned


def comparable(value: Any) -> str:
    """One spelling per value, so that 3, "3", "3,0" and 3.0 compare equal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value).strip()
    if len(text) > 40 or not _NUMBER.fullmatch(text):
        return text
    number = Decimal(text.replace(",", ".")).normalize()
    return format(number, "f") if number else "0"


_CLEANERS = {
    "short_text": _clean_text,
    "long_text": _clean_text,
    "address": _clean_address,
    "email": _clean_email,
    "phone": _clean_phone,
    "number": _clean_number,
    "date": _clean_date,
    "choice": _clean_choice,
    "multiple_choice": _clean_multiple_choice,
    "location": _clean_location,
    "siret": _clean_siret,
    "rna": _clean_rna,
}
