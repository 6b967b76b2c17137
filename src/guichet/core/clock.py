"""The platform's notion of "now", which the demo history generator can move.

Actions and the journal ask `clock.now()` rather than `timezone.now()`, so that replaying
months of history (the demo, benchmarks) writes events at the moments they happened, through
the very same actions as live traffic.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_frozen: ContextVar[datetime | None] = ContextVar("guichet_clock", default=None)


def now() -> datetime:
    return _frozen.get() or timezone.now()


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Within the block, `now()` is `moment` (aware)."""
    if timezone.is_naive(moment):
        raise ValueError("frozen_at needs an aware datetime")
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)
