"""`{% page_brand as brand %}`: who the page speaks for (guichet/core/theme.py).

The platform's brand from the settings, or an authority's on its own pages: a view names it
`brand_authority` in its context, or the page shows one of the objects below (the offer of a
service at a commune, a request being tracked or just filed), whose authority is taken.
"""

from __future__ import annotations

from typing import Any

from django import template

from guichet.core import theme

register = template.Library()

# Context names whose `.authority` is the authority a page is about, tried in this order.
AUTHORITY_HOLDERS = ("offer", "found", "filed")


def authority_of_page(context: template.Context) -> Any:
    authority = context.get("brand_authority")
    if authority is not None:
        return authority
    for name in AUTHORITY_HOLDERS:
        holder = context.get(name)
        try:
            authority = getattr(holder, "authority", None)
        except AttributeError:  # an offer with no competent authority
            authority = None
        if authority is not None and getattr(authority, "name", None):
            return authority
    return None


@register.simple_tag(takes_context=True)
def page_brand(context: template.Context) -> theme.Brand:
    authority = authority_of_page(context)
    return theme.platform() if authority is None else theme.of_authority(authority)


@register.simple_tag
def platform_brand() -> theme.Brand:
    """The deploying body's brand (the footer: who publishes the site)."""
    return theme.platform()


@register.simple_tag
def accessibility() -> str:
    return theme.accessibility_level()
