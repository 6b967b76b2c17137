"""The French working-day calendar behind request deadlines: pure functions, no database.

The rules, in one place (every function below keeps to them):

* **Local time.** Everything is reckoned in Europe/Paris. Inputs must be aware datetimes (any
  time zone; they are converted); naive datetimes raise ``ValueError``. Outputs are aware
  datetimes in Europe/Paris.
* **Working day.** Monday to Friday, and not a public holiday where the authority sits. Public
  holidays come from the ``holidays`` library (``holidays.France``). Pass the INSEE code of the
  *département* to get its local days off: Moselle (57) and Bas-Rhin/Haut-Rhin (67, 68, the
  library's "6AE" subdivision) add Good Friday and 26 December; the overseas départements add
  their abolition-of-slavery day, and so on.
* **Counting starts the next working day.** Like a postal deadline, the day a request (or an
  answer from the user) arrives does not count, whatever the hour: a request received on Friday
  evening with one working day is due at the end of Monday (Tuesday if Monday is a holiday).
* **Due at the end of the day.** A due moment is 23:59:59.999999 Europe/Paris on the Nth working
  day after receipt; a request is overdue once ``now`` is strictly after it. A promise of zero
  days is due at the end of the day of receipt.
* **Counting between two moments.** ``working_days_between(start, end)`` is the number of
  working days after ``start``'s local day up to and including ``end``'s local day, so that
  ``working_days_between(s, add_working_days(s, n)) == n``.

Holiday sets are cached per (year, subdivision) and day counts use weekday arithmetic, so these
functions are cheap enough to call on thousands of rows.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

PARIS = ZoneInfo("Europe/Paris")

# INSEE département codes that the holidays library knows under a subdivision. Alsace is one
# subdivision ("6AE") in the library, not two; the overseas collectivities have their own codes.
_SUBDIVISION_BY_DEPARTEMENT = {
    "57": "57",
    "67": "6AE",
    "68": "6AE",
    "971": "971",
    "972": "972",
    "973": "973",
    "974": "974",
    "975": "PM",
    "976": "976",
    "977": "BL",
    "978": "MF",
    "984": "TF",
    "986": "WF",
    "987": "PF",
    "988": "NC",
}
_DEPARTEMENT_CODE = re.compile(r"^(0[1-9]|[1-9][0-9]|2[AB]|97[1-8]|98[4-9])$")


class DeadlineState(StrEnum):
    ON_TIME = "on_time"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"


Pause = tuple[datetime, datetime | None]


# --- time zone helpers ----------------------------------------------------------------------


def _ensure_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got naive {moment!r}")


def local_date(moment: datetime) -> date:
    """The calendar day of an aware ``moment`` in Europe/Paris."""
    _ensure_aware(moment, "moment")
    return moment.astimezone(PARIS).date()


def end_of_day(day: date) -> datetime:
    """The last representable instant of ``day`` in Europe/Paris (23:59:59.999999)."""
    return datetime.combine(day, time.max, tzinfo=PARIS)


# --- holidays -------------------------------------------------------------------------------


def _subdivision(departement: str | None) -> str | None:
    if departement is None:
        return None
    code = str(departement).strip().upper()
    if code.isdigit() and len(code) == 1:
        code = code.zfill(2)
    if not _DEPARTEMENT_CODE.match(code):
        raise ValueError(f"unknown département code {departement!r}")
    return _SUBDIVISION_BY_DEPARTEMENT.get(code)


@lru_cache(maxsize=4096)
def _holidays(year: int, subdivision: str | None) -> frozenset[date]:
    return frozenset(holidays.country_holidays("FR", subdiv=subdivision, years=year).keys())


@lru_cache(maxsize=4096)
def _weekday_holiday_ordinals(year: int, subdivision: str | None) -> tuple[int, ...]:
    """Sorted ordinals of the holidays that fall on a weekday (the only ones that cost a day)."""
    return tuple(sorted(d.toordinal() for d in _holidays(year, subdivision) if d.weekday() < 5))


def public_holidays(year: int, *, departement: str | None = None) -> frozenset[date]:
    """The public holidays of ``year`` in France, with the local ones of ``departement``."""
    return _holidays(year, _subdivision(departement))


# --- counting -------------------------------------------------------------------------------


def _weekdays_through(ordinal: int) -> int:
    """Monday-to-Friday days in [1, ordinal]; ordinal 1 (0001-01-01) is a Monday."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


def _count(after: int, through: int, subdivision: str | None) -> int:
    """Working days with ordinal in (after, through]; 0 when the span is empty."""
    if through <= after:
        return 0
    weekdays = _weekdays_through(through) - _weekdays_through(after)
    off = 0
    for year in range(date.fromordinal(after + 1).year, date.fromordinal(through).year + 1):
        ordinals = _weekday_holiday_ordinals(year, subdivision)
        off += bisect_right(ordinals, through) - bisect_right(ordinals, after)
    return weekdays - off


def is_working_day(day: date, *, departement: str | None = None) -> bool:
    """True when ``day`` is Monday to Friday and not a public holiday in ``departement``.

    An aware datetime is read as its Europe/Paris calendar day; a naive one raises ValueError.
    """
    if isinstance(day, datetime):
        day = local_date(day)
    return day.weekday() < 5 and day not in _holidays(day.year, _subdivision(departement))


def _add(day: date, days: int, subdivision: str | None) -> date:
    """The ``days``-th working day after ``day`` (``day`` itself when ``days`` is 0)."""
    ordinal, remaining = day.toordinal(), days
    while remaining > 0:
        # `remaining` calendar days hold at most `remaining` working days, so a jump never
        # overshoots; it lands on a working day exactly when it gains all it was asked for.
        gained = _count(ordinal, ordinal + remaining, subdivision)
        ordinal += remaining
        remaining -= gained
    return date.fromordinal(ordinal)


def add_working_days(start: datetime, days: int, *, departement: str | None = None) -> datetime:
    """The due moment for a promise of ``days`` working days made at ``start``.

    Counting starts the working day after ``start``'s local day; the result is the end
    (23:59:59.999999 Europe/Paris) of the ``days``-th such working day. ``days == 0`` gives the
    end of ``start``'s own day. Raises ValueError for a naive ``start`` or negative ``days``.
    """
    _ensure_aware(start, "start")
    if days < 0:
        raise ValueError(f"days must be >= 0, got {days}")
    return end_of_day(_add(local_date(start), days, _subdivision(departement)))


def working_days_between(start: datetime, end: datetime, *, departement: str | None = None) -> int:
    """Working days after ``start``'s local day up to and including ``end``'s local day.

    Negative when ``end`` is on an earlier day than ``start`` (the count is antisymmetric);
    0 for two moments of the same day. Inverse of :func:`add_working_days`.
    """
    _ensure_aware(start, "start")
    _ensure_aware(end, "end")
    subdivision = _subdivision(departement)
    first, last = local_date(start).toordinal(), local_date(end).toordinal()
    if first <= last:
        return _count(first, last, subdivision)
    return -_count(last, first, subdivision)


# --- pauses and deadlines -------------------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    # Aware datetimes sharing one tzinfo compare and subtract by wall clock, which is wrong
    # across a DST change; UTC makes both exact.
    return moment.astimezone(UTC)


def _merged(pauses: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(pauses):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def due_date(
    received_at: datetime,
    promise_days: int,
    pauses: Iterable[Pause] = (),
    *,
    departement: str | None = None,
) -> datetime | None:
    """The due moment of a request promised in ``promise_days`` working days, with pauses.

    A pause is a period when the clock is stopped because the administration waits for the
    user (a missing document, a question). The rule:

    * An open pause (end ``None``) means the clock is stopped now: there is no due date, the
      function returns ``None``.
    * A closed pause gives back the working days it covered, counted like a receipt: the day
      the pause starts still counts for the administration (it worked on the file and asked
      the question), the day the user answers does not, and counting resumes the next working
      day. So a pause covers ``working_days_between(start, end)`` days: a question asked and
      answered on the same day costs nothing; asked on Monday, answered on Wednesday, it pushes
      the due date by two working days (Tuesday and Wednesday).
    * Overlapping pauses count their common days once; the part of a pause before
      ``received_at`` is ignored.
    * A pause that starts after the due date (as already pushed by earlier pauses) gives
      nothing back: asking the user a question cannot make an overdue request on time again.

    Raises ValueError for a naive datetime, a negative promise or a pause ending before it
    starts.
    """
    _ensure_aware(received_at, "received_at")
    subdivision = _subdivision(departement)
    closed: list[tuple[datetime, datetime]] = []
    is_paused_now = False
    for start, end in pauses:
        _ensure_aware(start, "pause start")
        if end is None:
            is_paused_now = True
            continue
        _ensure_aware(end, "pause end")
        start, end = _utc(start), _utc(end)
        if end < start:
            raise ValueError(f"pause ends ({end}) before it starts ({start})")
        start = max(start, _utc(received_at))
        if end > start:
            closed.append((start, end))
    due = add_working_days(received_at, promise_days, departement=departement)
    if is_paused_now:
        return None
    for start, end in _merged(closed):
        if start > _utc(due):
            break
        covered = working_days_between(start, end, departement=departement)
        due = end_of_day(_add(due.date(), covered, subdivision))
    return due


def overdue_factor(received_at: datetime, due: datetime, now: datetime) -> float:
    """How many times the promised duration has elapsed at ``now`` (elapsed / promised).

    Measured in real time from ``received_at`` to ``due``: 0.5 halfway, 1.0 at the due moment,
    above 1.0 once overdue, 3.0 when the request has waited three times what was promised (the
    "3x overdue" list). Never negative; infinite when overdue on a promise of no duration.
    """
    for name, moment in (("received_at", received_at), ("due", due), ("now", now)):
        _ensure_aware(moment, name)
    promised = _utc(due) - _utc(received_at)
    elapsed = _utc(now) - _utc(received_at)
    if elapsed <= timedelta(0):
        return 0.0
    if promised <= timedelta(0):
        return math.inf if _utc(now) > _utc(due) else 0.0
    return elapsed / promised


def at_risk_before(now: datetime, *, working_days: int, departement: str | None = None) -> datetime:
    """The first due moment that is *not* at risk at ``now``: the start (midnight Europe/Paris)
    of the ``working_days + 1``-th working day after ``now``'s local day.

    A deadline ``due`` not yet passed has at most ``working_days`` working days left
    (``working_days_between(now, due) <= working_days``) exactly when ``due`` is before it, so
    a list can count its at-risk rows with one range, ``now <= due < at_risk_before(now)``,
    and agree with :func:`deadline_state` row by row.
    """
    _ensure_aware(now, "now")
    if working_days < 0:
        raise ValueError(f"working_days must be >= 0, got {working_days}")
    day = _add(local_date(now), working_days + 1, _subdivision(departement))
    return datetime.combine(day, time.min, tzinfo=PARIS)


def departements_with_local_holidays() -> tuple[str, ...]:
    """The INSEE codes of the départements whose public holidays differ from the national ones
    (the only ones where a working-day count may differ)."""
    return tuple(_SUBDIVISION_BY_DEPARTEMENT)


def deadline_state(
    due: datetime,
    now: datetime,
    *,
    received_at: datetime | None = None,
    at_risk_ratio: float = 0.8,
    at_risk_working_days: int | None = None,
    departement: str | None = None,
) -> DeadlineState:
    """``overdue`` once ``now`` is after ``due``; ``at_risk`` when the deadline is near.

    "Near" is either, when ``at_risk_working_days`` is given, at most that many working days
    left after today (0: only on the due day itself), or else ``overdue_factor`` at or above
    ``at_risk_ratio`` (``received_at`` is then required). ``DeadlineState`` is a ``StrEnum``:
    it equals the strings "on_time", "at_risk" and "overdue".
    """
    _ensure_aware(due, "due")
    _ensure_aware(now, "now")
    if _utc(now) > _utc(due):
        return DeadlineState.OVERDUE
    if at_risk_working_days is not None:
        near = _utc(due) < _utc(
            at_risk_before(now, working_days=at_risk_working_days, departement=departement)
        )
    elif received_at is None:
        raise ValueError("received_at is required to measure at_risk_ratio")
    else:
        near = overdue_factor(received_at, due, now) >= at_risk_ratio
    return DeadlineState.AT_RISK if near else DeadlineState.ON_TIME
