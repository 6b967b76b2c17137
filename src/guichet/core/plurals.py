"""Plurals in the active language's rule: « 0 réponse », « 1 réponse », « 2 réponses ».

Our strings are written in French in the code and have no translation catalogue. For a
message it cannot find in a catalogue, Django's `ngettext` falls back to the English rule
(singular only for 1, so « 0 réponses »), and the `pluralize` filter always applies it. The
plural rule itself is known: Django's own French catalogue declares it (0 and 1 singular).
`ngettext` here asks that rule, and `guichet.core.templatetags.plurals` gives templates a
`pluralize` that does the same (installed as a template builtin, so every template gets it).
ADR 0019 says why.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import trans_real

__all__ = ["is_plural", "ngettext"]


def is_plural(number: int | float | Decimal | str) -> bool:
    """Whether `number` takes the plural form in the active language (French: above 1)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    try:
        count = int(float(number))  # French: 1,5 is singular, as 1
    except (TypeError, ValueError, OverflowError):
        return True
    # The active catalogue's plural function: index 0 is the singular in every language
    # with two or more forms (French declares three: one, many for millions, other).
    return trans_real.translation(language).plural(abs(count)) != 0


def ngettext(singular: str, plural: str, number: int) -> str:
    """Django's `ngettext`, but an untranslated message follows the language's own rule."""
    translated = translation.ngettext(singular, plural, number)
    if translated not in (singular, plural):
        return translated  # a catalogue translated it: its form is already the right one
    return plural if is_plural(number) else singular
