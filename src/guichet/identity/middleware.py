"""Lets the sign-in forms reach the configured providers under the Content-Security-Policy.

The FranceConnect and ProConnect buttons, and the sign-out of a session opened by one, are
forms posted to our own site that redirect to the provider; `form-action 'self'` would stop
that redirect in the browser. The origins of the configured providers' issuers are added to
`form-action` on every page (django-csp's per-response update, read by CSPMiddleware, which
must come before this middleware in MIDDLEWARE).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from guichet.identity import registry


def provider_origins() -> list[str]:
    origins = []
    for audience in ("resident", "agent"):
        for provider in registry.enabled(audience):
            config = provider.config()
            if config is not None:
                parts = urlsplit(config.issuer)
                origins.append(f"{parts.scheme}://{parts.netloc}")
    return sorted(set(origins))


class ProviderFormActions:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        origins = provider_origins()
        if origins:
            update = dict(getattr(response, "_csp_update", None) or {})
            earlier = update.get("form-action") or ()
            earlier = [earlier] if isinstance(earlier, str) else list(earlier)
            update["form-action"] = [*earlier, *origins]
            response._csp_update = update
        return response
