"""The organisers' and moderators' participation pages (/agents/participation/)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
