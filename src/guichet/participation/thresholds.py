"""Petition arithmetic: the threshold from the population concerned, the reminders' marks,
and the obligation's due date in French working days (`core.calendar`, as request deadlines).

Pure functions (the population is read by `population_of`, one query).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from guichet.core import calendar


class ThresholdError(ValueError):
    """A French reason why no threshold can be set."""


def threshold_for(population: int, percent: Decimal | float | str) -> int:
    """Signatures needed: `percent` % of `population`, rounded up, at least 1."""
    percent = Decimal(str(percent))
    if percent <= 0:
        raise ThresholdError("Le seuil doit être supérieur à zéro.")
    if percent > 100:
        raise ThresholdError("Le seuil ne peut pas dépasser 100 % de la population.")
    if population <= 0:
        raise ThresholdError(
            "La population des communes concernées est inconnue : le seuil ne peut pas être "
            "calculé."
        )
    return max(1, math.ceil(Decimal(population) * percent / 100))


def population_of(communes: Iterable) -> int:
    """The population of the communes concerned, a commune déléguée or an arrondissement counted
    only when its parent is not among them (the parent's population includes it)."""
    rows = list(communes)
    ids = {c.pk for c in rows}
    return sum(c.population or 0 for c in rows if c.parent_id not in ids)


def marks(threshold: int) -> tuple[int, int]:
    """The counts at which the initiator is reminded: a third and two thirds (rounded up)."""
    return math.ceil(threshold / 3), math.ceil(2 * threshold / 3)


def reminders_crossed(before: int, after: int, threshold: int) -> list[str]:
    """The reminders ("third", "two_thirds") a count going from `before` to `after` crosses."""
    third, two_thirds = marks(threshold)
    crossed = []
    if before < third <= after and third < threshold:
        crossed.append("third")
    if before < two_thirds <= after and two_thirds < threshold:
        crossed.append("two_thirds")
    return crossed


@dataclass(frozen=True)
class Due:
    due_at: datetime
    meeting_date: date | None


def obligation_due(
    crossed_at: datetime,
    *,
    duty: str,
    working_days: int,
    meetings: Iterable[date] = (),
    departement: str | None = None,
) -> Due:
    """When the authority must have honoured the obligation.

    An official answer: the end of the `working_days`-th French working day after the
    crossing (public holidays of the département included). An agenda item: the next council
    meeting at least one working day after the crossing (the agenda must be sent); with no
    meeting known, the answer's delay applies.
    """
    answer_due = calendar.add_working_days(crossed_at, working_days, departement=departement)
    if duty == "agenda":
        earliest = calendar.local_date(
            calendar.add_working_days(crossed_at, 1, departement=departement)
        )
        upcoming = sorted(d for d in meetings if d >= earliest)
        if upcoming:
            return Due(calendar.end_of_day(upcoming[0]), upcoming[0])
    return Due(answer_due, None)
