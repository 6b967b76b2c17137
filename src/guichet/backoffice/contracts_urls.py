"""Steering: contracts, indicators, reports, briefings, topics (/agents/pilotage/)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
