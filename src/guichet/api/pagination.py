"""Cursor pagination on the primary key, newest first.

A cursor is the last id seen: the next page holds the rows below it. Rows added while a
client pages through are above every cursor, so they never shift a page (no duplicate, no
gap); the client finds them by starting again from the top.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import QuerySet

from guichet.api.security import ApiError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = text.partition(":")
        if kind != "id" or not value.isdigit():
            raise ValueError(text)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiError(
            "Curseur de pagination invalide : reprenez la liste depuis le début.",
            code="curseur_invalide",
            errors=[{"field": "cursor", "code": "invalide", "message": "Curseur invalide."}],
        ) from None


def paginate(rows: QuerySet, *, cursor: str | None, limit: int) -> Page:
    """One page of `rows` (ordered here by descending id) after `cursor`."""
    rows = rows.order_by("-pk")
    if cursor:
        rows = rows.filter(pk__lt=decode(cursor))
    items = list(rows[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    return Page(items=items, next_cursor=encode(items[-1].pk) if more and items else None)
