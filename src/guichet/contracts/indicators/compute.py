"""A contract's indicators for a period: overall, by month, by commune and by both, each
against its target, with the breaches (months outside the tolerance) and the penalties they
imply; and the requests behind any figure (`behind`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from guichet.contracts.indicators.definitions import DEFINITIONS, Definition, is_breach
from guichet.contracts.indicators.facts import Fact, commune_names, facts_for
from guichet.contracts.models import Contract, Indicator, IndicatorKind

K = IndicatorKind

# kind → (is the request in the population, its own value in it)
POPULATION: dict[str, tuple[Callable[[Fact], bool], Callable[[Fact], float | bool | None]]] = {
    K.ANSWER_DELAY: (lambda f: f.answer_days is not None, lambda f: f.answer_days),
    K.RESOLVE_DELAY: (lambda f: f.resolve_days is not None, lambda f: f.resolve_days),
    K.WITHIN_PROMISE: (lambda f: f.within_promise is not None, lambda f: f.within_promise),
    K.FIRST_CONTACT: (lambda f: f.first_contact is not None, lambda f: f.first_contact),
    K.REPEAT_CONTACTS: (lambda f: True, lambda f: f.repeat),
    K.SATISFACTION: (lambda f: f.score is not None, lambda f: f.score),
    K.COMPLAINTS: (lambda f: True, lambda f: f.complaint),
}


def value_of(kind: str, facts: list[Fact]) -> tuple[float | None, int]:
    """The indicator's value over `facts` (None when its population is empty) and the size
    of its population. Delays and scores are means, shares percentages, complaints a count;
    rounded to two decimals."""
    member, own = POPULATION[kind]
    values = [own(f) for f in facts if member(f)]
    if kind == K.COMPLAINTS:
        return float(sum(1 for v in values if v)), len(values)
    if not values:
        return None, 0
    if DEFINITIONS[kind].share:
        return round(100 * sum(1 for v in values if v) / len(values), 2), len(values)
    return round(sum(float(v) for v in values) / len(values), 2), len(values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Figure:
    value: float | None
    population: int
    breach: bool


@dataclass
class Result:
    indicator: Indicator
    definition: Definition
    overall: Figure
    by_month: dict[date, Figure] = field(default_factory=dict)
    by_commune: dict[int, Figure] = field(default_factory=dict)
    by_month_commune: dict[tuple[date, int], Figure] = field(default_factory=dict)

    @property
    def breaches(self) -> list[date]:
        return [month for month, figure in self.by_month.items() if figure.breach]

    @property
    def penalty(self) -> Decimal:
        """The penalties the breached months imply (0 without a penalty)."""
        return (self.indicator.penalty or Decimal(0)) * len(self.breaches)


@dataclass
class Figures:
    contract: Contract
    since: date
    until: date
    months: list[date]
    communes: dict[int, str]  # id → name, the communes with requests
    requests: int
    results: list[Result]

    @property
    def breach_count(self) -> int:
        return sum(len(r.breaches) for r in self.results)

    @property
    def penalty(self) -> Decimal:
        return sum((r.penalty for r in self.results), Decimal(0))


def months_between(since: date, until: date) -> list[date]:
    months, month = [], date(since.year, since.month, 1)
    while month <= until:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def _figure(indicator: Indicator, facts: list[Fact], *, judged: bool) -> Figure:
    value, population = value_of(indicator.kind, facts)
    breach = judged and is_breach(indicator.kind, value, indicator.target, indicator.tolerance)
    return Figure(value, population, breach)


def scoped(indicator: Indicator, facts: list[Fact]) -> list[Fact]:
    """The facts an indicator reads: those of its service when it names one."""
    if indicator.service_id is None:
        return facts
    return [f for f in facts if f.service_id == indicator.service_id]


def compute(
    contract: Contract, since: date, until: date, *, facts: list[Fact] | None = None
) -> Figures:
    """Every indicator of `contract` over [since, until]. A month is judged (breach or not)
    on its whole figure; a commune's or a month-and-commune's figure is shown, not judged."""
    if facts is None:
        facts = facts_for(contract, since, until)
    months = months_between(max(since, contract.starts_on), min(until, contract.ends_on))
    by_month: dict[date, list[Fact]] = defaultdict(list)
    by_commune: dict[int, list[Fact]] = defaultdict(list)
    by_both: dict[tuple[date, int], list[Fact]] = defaultdict(list)
    results = []
    indicators = list(contract.indicators.select_related("service"))
    for indicator in indicators:
        mine = scoped(indicator, facts)
        by_month.clear(), by_commune.clear(), by_both.clear()
        for fact in mine:
            by_month[fact.month].append(fact)
            by_commune[fact.commune_id].append(fact)
            by_both[(fact.month, fact.commune_id)].append(fact)
        results.append(
            Result(
                indicator=indicator,
                definition=DEFINITIONS[indicator.kind],
                overall=_figure(indicator, mine, judged=False),
                by_month={m: _figure(indicator, by_month.get(m, []), judged=True) for m in months},
                by_commune={c: _figure(indicator, fs, judged=False) for c, fs in by_commune.items()},
                by_month_commune={k: _figure(indicator, fs, judged=False) for k, fs in by_both.items()},
            )
        )  # fmt: skip
    names = commune_names({f.commune_id for f in facts})
    communes = dict(sorted(names.items(), key=lambda item: item[1]))
    return Figures(contract, since, until, months, communes, len(facts), results)


def behind(
    indicator: Indicator,
    facts: list[Fact],
    *,
    month: date | None = None,
    commune: int | None = None,
) -> list[tuple[Fact, float | bool | None]]:
    """The requests behind a figure (its population), each with its own value."""
    member, own = POPULATION[indicator.kind]
    return [
        (f, own(f))
        for f in scoped(indicator, facts)
        if member(f)
        and (month is None or f.month == month)
        and (commune is None or f.commune_id == commune)
    ]
