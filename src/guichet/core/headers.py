"""Response headers no view should have to think about: `Permissions-Policy`, and
`Cache-Control: no-store` on the pages that show an agent's work or a person's own data.

The Content-Security-Policy itself comes from django-csp (`csp.middleware.CSPMiddleware`,
configured by `CONTENT_SECURITY_POLICY` in settings); the maps' tile server, when one is set
(`GUICHET_MAP_TILES_URL`), is added here to its img-src.

Which pages are private is read from the URL that answered (`request.resolver_match`), not
from path prefixes: a page moved to another address keeps its rule. Public pages (the portal's
home, the service catalogue, a service's description, static files) stay cacheable.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers

from guichet.core.maps import tiles

# The features a page of Guichet may use: the resident may locate herself on a request's map;
# nothing else (camera, microphone, payment, USB…) is ever asked for, nor by an embedded frame.
PERMISSIONS_POLICY = "geolocation=(self), camera=(), microphone=(), payment=(), usb=()"

# Every page of these URL namespaces is an agent's page (the back office, the agendas, the
# administration, broadcasts and templates, satisfaction scores) or a person's own (an
# opt-out or a survey reached through a personal link).
# The sign-in pages (identity: FranceConnect, ProConnect, the agents' second factor, « Mon
# compte ») too.
PRIVATE_NAMESPACES = frozenset(
    {"backoffice", "agendas", "admin", "notifications", "satisfaction", "identity"}
)
# The residents' namespaces: every page is private (tracking, sign-in, "my requests",
# preferences, receipts, forms holding a CSRF token, a person's appointment…) except these,
# the same for everyone. A page added later is private until it is listed here.
PERSONAL_NAMESPACES = frozenset({"portal", "appointments"})
PUBLIC_VIEWS = frozenset(
    {
        ("portal", "home"),
        ("portal", "catalogue"),
        ("portal", "service"),
        ("portal", "commune"),
        ("portal", "service_at"),
        ("portal", "accessibility"),
        ("portal", "legal_notice"),
        ("portal", "privacy"),
        ("appointments", "home"),
        ("appointments", "week"),
    }
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# What django.utils.cache.add_never_cache_headers writes, Expires dated in the past once.
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"
EXPIRED = "Thu, 01 Jan 1970 00:00:00 GMT"


def is_private(request: HttpRequest) -> bool:
    """Whether the response to this request may hold an agent's work or a person's data."""
    if request.method not in SAFE_METHODS:
        return True  # a form sent back with its errors holds what the person typed
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    namespaces = set(match.namespaces)
    if namespaces & PRIVATE_NAMESPACES:
        return True
    personal = namespaces & PERSONAL_NAMESPACES
    return any((namespace, match.url_name) not in PUBLIC_VIEWS for namespace in personal)


class SecurityHeadersMiddleware:
    """Adds `Permissions-Policy` to every response, lets the maps' tiles through the
    Content-Security-Policy, and forbids storing private pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        layer = tiles()
        if layer is not None:  # read by CSPMiddleware, which runs after this on the way out
            update = dict(getattr(response, "_csp_update", None) or {})
            earlier = update.get("img-src") or ()
            earlier = [earlier] if isinstance(earlier, str) else list(earlier)
            update["img-src"] = [*earlier, layer.origin]
            response._csp_update = update  # type: ignore[attr-defined]
        if is_private(request):
            if "Cache-Control" in response.headers or "Expires" in response.headers:
                add_never_cache_headers(response)  # merged with what the view said
            else:  # the same headers, without parsing and dating them on every page
                response.headers["Cache-Control"] = NEVER_CACHE
                response.headers["Expires"] = EXPIRED
            response.headers["Pragma"] = "no-cache"  # HTTP/1.0 caches
        return response
