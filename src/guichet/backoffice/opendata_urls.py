"""The authority's open-data pages (/agents/donnees/)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
