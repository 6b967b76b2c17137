"""A contract's indicators, computed from the requests and the journal (ADR 0038)."""

from guichet.contracts.indicators.compute import Figures, Result, behind, compute, value_of
from guichet.contracts.indicators.definitions import DEFINITIONS, is_breach
from guichet.contracts.indicators.facts import Fact, covered_requests, facts_for

__all__ = [
    "DEFINITIONS",
    "Fact",
    "Figures",
    "Result",
    "behind",
    "compute",
    "covered_requests",
    "facts_for",
    "is_breach",
    "value_of",
]
