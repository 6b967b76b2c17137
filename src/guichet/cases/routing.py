"""Where a request goes: the competent authority, then the team inside it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from guichet.authorities.competence import Competence, who_handles
from guichet.authorities.models import Authority, Team
from guichet.cases.models import RoutingRule
from guichet.catalogue.models import Service
from guichet.core import refcache
from guichet.territory.areas import Prepared
from guichet.territory.areas import prepared as prepared_area
from guichet.territory.models import Commune

# A request's place: (latitude, longitude).
Point = tuple[float, float]


def point_of(request: Any) -> Point | None:
    """A filed request's (latitude, longitude), for the routing rules by area; None without."""
    if request.latitude is None or request.longitude is None:
        return None
    return request.latitude, request.longitude


class NotRoutable(Exception):
    """No authority on the platform delivers this service here (French message)."""


@dataclass(frozen=True)
class Route:
    authority: Authority
    team: Team | None
    competence: Competence | None
    rule: RoutingRule | None


def route(
    *,
    service: Service,
    commune: Commune | None,
    person_category: str = "",
    form_data: dict[str, Any] | None = None,
    authority: Authority | None = None,
    competence: Competence | None = None,
    point: Point | None = None,
) -> Route:
    """The competence map picks the authority (unless `authority` is forced, as in a hand-off),
    then the authority's routing rules pick the team; its default team catches the rest.

    `competence` is `who_handles(service, commune)` when the caller already asked it (the page
    that showed the offer), so a filing consults the competence map once. `point` is the
    request's (latitude, longitude): a rule with areas matches only a request placed in one.
    """
    if authority is None:
        if commune is None:
            raise NotRoutable("Indiquez la commune concernée pour orienter la demande.")
        competence = competence or who_handles(service, commune)
        if competence.authority is None:
            raise NotRoutable(competence.reason)
        authority = competence.authority
    rule = matching_rule(
        authority=authority, service=service, commune=commune,
        person_category=person_category, form_data=form_data or {}, point=point,
    )  # fmt: skip
    team = rule.team if rule else default_team(authority)
    return Route(authority=authority, team=team, competence=competence, rule=rule)


def matching_rule(
    *,
    authority: Authority,
    service: Service,
    commune: Commune | None,
    person_category: str,
    form_data: dict[str, Any],
    point: Point | None = None,
) -> RoutingRule | None:
    for rule, rule_communes, rule_areas in _active_rules(authority):
        if rule.service_id and rule.service_id != service.pk:
            continue
        if rule.service_category_id and rule.service_category_id != service.category_id:
            continue
        if rule.person_category and rule.person_category != person_category:
            continue
        if rule_communes and (commune is None or commune.pk not in rule_communes):
            continue
        if rule_areas is not None and (
            point is None or not any(area.contains(*point) for area in rule_areas)
        ):
            continue
        if rule.field_name and not _answer_matches(
            form_data.get(rule.field_name), rule.field_value
        ):
            continue
        return rule
    return None


def default_team(authority: Authority) -> Team | None:
    """The team that receives what no rule routes (cached per process, `core.refcache`)."""
    return refcache.get(
        ("default_team", authority.pk),
        lambda: authority.teams.filter(is_default=True).first(),
        keep_missing=True,  # keyed by an authority of the database: none is an answer
    )


# Each rule with its communes' ids and its active areas ready for point tests; None when it
# names no area (a rule whose areas are all inactive matches nowhere, not everywhere).
Rules = list[tuple[RoutingRule, frozenset[int], tuple[Prepared, ...] | None]]


def _active_rules(authority: Authority) -> Rules:
    """The authority's active rules in order, each with its communes' ids and its active areas
    ready for point tests (cached; an area's change drops the cache, cases.apps)."""

    def load() -> Rules:
        rules = (
            RoutingRule.objects.filter(authority=authority, is_active=True)
            .select_related("team")
            .prefetch_related("communes", "areas")
            .order_by("position", "id")
        )
        return [
            (
                rule,
                frozenset(c.pk for c in rule.communes.all()),
                tuple(prepared_area(a) for a in rule.areas.all() if a.is_active)
                if rule.areas.all()
                else None,
            )
            for rule in rules
        ]

    return refcache.get(("routing_rules", authority.pk), load)


def _answer_matches(answer: Any, expected: str) -> bool:
    if isinstance(answer, list):
        return expected in [str(item) for item in answer]
    return answer is not None and str(answer) == expected
