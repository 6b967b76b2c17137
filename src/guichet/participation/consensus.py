"""Group-aware consensus: ideas backed across opinion groups rank above ideas one group loves.

For an idea, the score is the product over opinion groups of the smoothed share of the
group's participants who support it, (supporters in g + 1) / (participants in g + 2) (Pol.is'
measure, with Laplace smoothing so an empty group neither zeroes nor dominates). Groups come
from the opinion map (`participation.opinion.selectors.groups`, P2); without it, or for
people it does not place, everyone falls in one group, and the score orders like raw counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

OTHERS = "_"


def scores(
    supporters: Mapping[int, Iterable[int]],
    groups: Mapping[int, object] | None = None,
    participants: Iterable[int] = (),
) -> dict[int, float]:
    """{idea: consensus} from {idea: supporter ids}, {person: group} and the participants
    (every supporter counts as one too)."""
    groups = dict(groups or {})
    everyone = set(participants) | set(groups)
    for people in supporters.values():
        everyone.update(people)
    group_of = {person: groups.get(person, OTHERS) for person in everyone}
    sizes = Counter(group_of.values())
    result = {}
    for idea, people in supporters.items():
        backing = Counter(group_of[p] for p in set(people))
        score = 1.0
        for group, size in sizes.items():
            score *= (backing.get(group, 0) + 1) / (size + 2)
        result[idea] = score
    return result


def top(scored: Mapping[int, float], keep: int) -> list[int]:
    """The `keep` best ideas (ties broken by the older idea, the smaller id)."""
    return [idea for idea, _ in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:keep]]


def opinion_groups(consultation) -> dict[int, object]:
    """P2's opinion groups for the consultation, or {} while the opinion map is absent."""
    try:
        from guichet.participation.opinion import selectors  # P2's module, may not exist yet
    except ImportError:
        return {}
    reader = getattr(selectors, "groups", None)
    return dict(reader(consultation) or {}) if reader is not None else {}
