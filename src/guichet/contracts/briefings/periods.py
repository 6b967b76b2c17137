"""The period a briefing covers: the last complete week (Monday to Monday) or month."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from guichet.core.calendar import PARIS


def last_period(frequency: str, today: date) -> tuple[date, date]:
    """[start, end) of the last complete week ("weekly") or calendar month ("monthly")."""
    if frequency == "monthly":
        end = today.replace(day=1)
        start = (end - timedelta(days=1)).replace(day=1)
        return start, end
    end = today - timedelta(days=today.weekday())
    return end - timedelta(weeks=1), end


def previous(start: date, end: date, frequency: str) -> tuple[date, date]:
    """The period of the same kind just before [start, end)."""
    if frequency == "monthly":
        before = start - timedelta(days=1)
        return before.replace(day=1), start
    return start - (end - start), start


def moment(day: date) -> datetime:
    """Midnight in Paris at the start of `day`, in UTC (the analytics' timestamps' zone)."""
    return datetime.combine(day, time(), tzinfo=PARIS).astimezone(UTC)


def is_due(frequency: str, last_sent: datetime | None, now: datetime) -> bool:
    """Whether a remit sent at `last_sent` has a new complete period to tell at `now`."""
    if last_sent is None:
        return True
    today = now.astimezone(PARIS).date()
    start, end = last_period(frequency, today)
    return last_sent < moment(end)
