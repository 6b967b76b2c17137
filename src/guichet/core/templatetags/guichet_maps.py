"""`{% map_tiles %}`: the attributes telling a map element's script which background tiles to
draw (`data-tiles`, `data-tiles-attribution`), or nothing when the maps have no background.

    {% load guichet_maps %}<div id="carte" class="…"{% map_tiles %}></div>
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from guichet.core.maps import tiles

register = template.Library()


@register.simple_tag
def map_tiles() -> SafeString:
    layer = tiles()
    if layer is None:
        return mark_safe("")  # noqa: S308 - an empty string
    return format_html(' data-tiles="{}" data-tiles-attribution="{}"', layer.url, layer.attribution)
