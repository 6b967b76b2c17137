"""Steering: contracts, indicators, reports, briefings, topics (/agents/pilotage/)."""

from django.urls import include, path  # noqa: F401

urlpatterns: list = [
    # briefings, topics, comparisons, silent demand (backoffice/steering, ADR 0039)
    path("", include("guichet.backoffice.steering.urls")),
    # delegation contracts, indicators, reports (backoffice/contracts, ADR 0038)
    path("contrats/", include("guichet.backoffice.contracts.urls")),
]
