"""What each indicator measures, in which unit, and which way is better: one table a reviewer
reads in one screen (ADR 0038). The values come from `facts` and `compute`, never typed in.

Every request counts in the month it was received (Europe/Paris) and in its commune, so a
month's figure never changes once its requests are settled, and each figure lists the requests
behind it (its population), each with its own value.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from guichet.contracts.models import IndicatorKind


@dataclass(frozen=True)
class Definition:
    kind: str
    label: str
    unit: str  # as shown after a value: " j", " %", "/5", ""
    higher_is_better: bool
    share: bool  # a percentage: its target lies within 0–100
    bounds: tuple[Decimal, Decimal] | None  # the allowed targets
    population: str  # who the figure is about, in French
    how: str  # how it is computed, in French


DEFINITIONS: dict[str, Definition] = {
    d.kind: d
    for d in (
        Definition(
            IndicatorKind.ANSWER_DELAY, IndicatorKind.ANSWER_DELAY.label, " j", False, False,
            (Decimal(0), Decimal(365)), "demandes ayant reçu une réponse",
            "jours ouvrés entre la réception et le premier message de l'agent (ou la "
            "résolution si elle vient avant), moyenne",
        ),
        Definition(
            IndicatorKind.RESOLVE_DELAY, IndicatorKind.RESOLVE_DELAY.label, " j", False, False,
            (Decimal(0), Decimal(365)), "demandes résolues",
            "jours ouvrés entre la réception et la résolution, sans les attentes de l'usager, "
            "moyenne",
        ),
        Definition(
            IndicatorKind.WITHIN_PROMISE, IndicatorKind.WITHIN_PROMISE.label, " %", True, True,
            (Decimal(0), Decimal(100)), "demandes résolues d'un service qui promet un délai",
            "demandes résolues avant leur échéance, sur les demandes résolues qui en ont une",
        ),
        Definition(
            IndicatorKind.FIRST_CONTACT, IndicatorKind.FIRST_CONTACT.label, " %", True, True,
            (Decimal(0), Decimal(100)), "demandes résolues",
            "demandes résolues sans relance ni réponse de l'usager, sur les demandes résolues",
        ),
        Definition(
            IndicatorKind.REPEAT_CONTACTS, IndicatorKind.REPEAT_CONTACTS.label, " %", False, True,
            (Decimal(0), Decimal(100)), "demandes reçues",
            "demandes avec au moins une relance de l'usager, sur les demandes reçues",
        ),
        Definition(
            IndicatorKind.SATISFACTION, IndicatorKind.SATISFACTION.label, "/5", True, False,
            (Decimal(1), Decimal(5)), "demandes dont l'usager a répondu à l'enquête",
            "note de 1 à 5 de l'enquête de satisfaction, moyenne",
        ),
        Definition(
            IndicatorKind.COMPLAINTS, IndicatorKind.COMPLAINTS.label, "", False, False,
            (Decimal(0), Decimal(1_000_000)), "demandes reçues",
            "demandes dont l'usager a répondu « non résolu » à l'enquête, nombre",
        ),
    )
}  # fmt: skip


def is_breach(kind: str, value: float | None, target: Decimal, tolerance: Decimal) -> bool:
    """Whether `value` misses the target by more than the tolerance (never without a value)."""
    if value is None:
        return False
    if DEFINITIONS[kind].higher_is_better:
        return Decimal(str(value)) < target - tolerance
    return Decimal(str(value)) > target + tolerance
