"""The phases of a consultation and the actions each one opens: a table read in one screen.

A consultation runs through its phases in this order (information → contributions →
deliberation → vote → results and follow-up); each phase row has its dates. What a
participant may do depends on the phase open *now*: the table below is the default, and a
phase row may narrow or widen it (`Phase.open_actions`, empty = this table).

Petitions (P2) live outside consultations: their actions (`SIGN`, `START_PETITION`) have no
phase and are checked by `eligibility.check` against the authority alone.
"""

from __future__ import annotations

from django.db import models


class PhaseKind(models.TextChoices):
    INFORMATION = "information", "information"
    CONTRIBUTIONS = "contributions", "contributions"
    DELIBERATION = "deliberation", "délibération"
    VOTE = "vote", "vote"
    RESULTS = "results", "résultats et suivi"


class Action(models.TextChoices):
    PROPOSE = "propose", "proposer une idée"
    COMMENT = "comment", "commenter"
    SUPPORT = "support", "soutenir une idée"
    AMEND = "amend", "amender ou fusionner des idées"
    VOTE_STATEMENT = "vote_statement", "voter sur les affirmations"
    VOTE_SHORTLIST = "vote_shortlist", "voter sur la sélection finale"
    # Outside consultations (petitions): no phase, the authority's territory.
    SIGN = "sign", "signer une pétition"
    START_PETITION = "start_petition", "lancer une pétition"


ORDER: tuple[str, ...] = tuple(PhaseKind.values)

# fmt: off
#                    propose comment support amend  statements shortlist
OPEN_ACTIONS: dict[str, frozenset[str]] = {
    PhaseKind.INFORMATION:   frozenset(),
    PhaseKind.CONTRIBUTIONS: frozenset({Action.PROPOSE, Action.COMMENT, Action.SUPPORT,
                                        Action.AMEND, Action.VOTE_STATEMENT}),
    PhaseKind.DELIBERATION:  frozenset({Action.COMMENT, Action.SUPPORT, Action.AMEND,
                                        Action.VOTE_STATEMENT}),
    PhaseKind.VOTE:          frozenset({Action.VOTE_SHORTLIST, Action.VOTE_STATEMENT}),
    PhaseKind.RESULTS:       frozenset({Action.COMMENT}),
}
# fmt: on

CONSULTATION_ACTIONS: tuple[str, ...] = (
    Action.PROPOSE, Action.COMMENT, Action.SUPPORT, Action.AMEND,
    Action.VOTE_STATEMENT, Action.VOTE_SHORTLIST,
)  # fmt: skip
PETITION_ACTIONS: tuple[str, ...] = (Action.SIGN, Action.START_PETITION)


def opens(kind: str, action: str, override: list[str] | None = None) -> bool:
    """Whether a phase of `kind` (with its row's `override`, if any) opens `action`."""
    if override:
        return action in override
    return action in OPEN_ACTIONS.get(kind, frozenset())


def actions_of(kind: str, override: list[str] | None = None) -> list[str]:
    """The actions a phase opens, in the table's order (for pages)."""
    return [a for a in CONSULTATION_ACTIONS if opens(kind, a, override)]


def action_label(action: str) -> str:
    return dict(Action.choices).get(action, action)


def rank(kind: str) -> int:
    """The phase's place in the order (unknown kinds last)."""
    return ORDER.index(kind) if kind in ORDER else len(ORDER)
