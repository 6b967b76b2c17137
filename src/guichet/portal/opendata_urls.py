"""The public open-data pages (/donnees/)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
