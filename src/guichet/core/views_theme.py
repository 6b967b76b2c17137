"""The accent colour's stylesheet (guichet/core/theme.py): one per colour, cached for good.

The Content-Security-Policy refuses inline styles, so a page names its colour in the address
of a stylesheet the site serves: `/theme/2d4a66.css`. The content depends on the address
alone, so it is immutable; a colour that would not read (under 4.5:1) is not served.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from guichet.core import theme

A_YEAR = 365 * 24 * 3600


@require_safe
@cache_control(public=True, max_age=A_YEAR, immutable=True)
def theme_css(request: HttpRequest, colour: str) -> HttpResponse:
    try:
        rgb = theme.parse(f"#{colour}")
    except ValueError:
        raise Http404("Couleur inconnue.") from None
    if theme.weakest_contrast(rgb) < theme.MINIMUM_CONTRAST:
        raise Http404("Couleur trop claire pour un texte.")
    return HttpResponse(theme.stylesheet(rgb), content_type="text/css; charset=utf-8")
