"""Input checks shared by the v1 routes."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from guichet.api.security import Unprocessable

BIG_ID = 2**53  # ids beyond this are refused as input, before any query


def invalid(field: str, message: str) -> Unprocessable:
    return Unprocessable(message, errors=[{"field": field, "code": "invalide", "message": message}])


def moment(value: datetime, field: str) -> datetime:
    """An aware date-time the database can store (naive ones are read in Paris time)."""
    if not 1900 <= value.year <= 2200:
        raise invalid(field, "Date hors de la plage acceptée (1900 à 2200).")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value
