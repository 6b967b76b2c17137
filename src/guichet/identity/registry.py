"""The sign-in providers, registered by their own folder under `providers/`."""

from __future__ import annotations

from guichet.identity.base import Provider

_providers: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    _providers[provider.name] = provider
    return provider


def get(name: str) -> Provider | None:
    return _providers.get(name)


def names(audience: str) -> list[str]:
    """Every registered provider's name for `audience`, configured or not (for the URLs)."""
    return [p.name for p in _providers.values() if p.audience == audience]


def enabled(audience: str) -> list[Provider]:
    """The configured providers for `audience` ("resident" or "agent"), in registration order."""
    return [p for p in _providers.values() if p.audience == audience and p.enabled]
