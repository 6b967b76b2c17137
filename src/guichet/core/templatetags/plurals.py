"""`pluralize` in the active language's rule, replacing Django's (a template builtin).

Django's filter adds the plural suffix to anything but 1, which is the English rule:
« 0 personnes ». This one takes the same arguments (`|pluralize`, `|pluralize:"x"`,
`|pluralize:"est,sont"`) and asks `guichet.core.plurals.is_plural` (French: 0 and 1
singular). `settings.TEMPLATES` installs it as a builtin after Django's, so it replaces
Django's filter in every template without a `{% load %}` (ADR 0019).
"""

from __future__ import annotations

from collections.abc import Sized
from typing import Any

from django import template

from guichet.core.plurals import is_plural

register = template.Library()


@register.filter(is_safe=False)
def pluralize(value: Any, arg: str = "s") -> str:
    if "," not in arg:
        arg = "," + arg
    bits = arg.split(",")
    if len(bits) > 2:
        return ""
    singular_suffix, plural_suffix = bits[:2]
    if isinstance(value, Sized) and not isinstance(value, str):
        value = len(value)
    try:
        float(value)
    except (TypeError, ValueError):
        return ""
    return plural_suffix if is_plural(value) else singular_suffix
