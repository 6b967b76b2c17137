"""The residents' participation pages (/participer/)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
