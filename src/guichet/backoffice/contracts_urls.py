"""Steering: contracts, indicators, reports, briefings, topics (/agents/pilotage/)."""

from django.urls import include, path  # noqa: F401

urlpatterns: list = [
    # delegation contracts, indicators, reports (backoffice/contracts, ADR 0038)
    path("contrats/", include("guichet.backoffice.contracts.urls")),
]
