"""Areas drawn by an authority: one journal event per write, and routing rules that use them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from guichet.authorities import actions as authorities
from guichet.cases.actions import configuration, requalify
from guichet.cases.models import RoutingRule
from guichet.core.models import Event
from guichet.territory import actions as territory
from guichet.territory.areas import AreaError, areas_at
from guichet.territory.models import Area

from .factories import SYSTEM, file_request, service

LIGHTING = "eclairage-public-en-panne"

# Around Sceaux's town hall (factories.POINTS["92071"] = 48.7766, 2.2946), and a square in
# the south of the town that does not hold it.
AROUND_TOWN_HALL = {
    "type": "Polygon",
    "coordinates": [[[2.2930, 48.7755], [2.2960, 48.7755], [2.2960, 48.7775], [2.2930, 48.7775],
                     [2.2930, 48.7755]]],
}  # fmt: skip
SOUTH = {
    "type": "Polygon",
    "coordinates": [[[2.2900, 48.7680], [2.2950, 48.7680], [2.2950, 48.7700], [2.2900, 48.7700],
                     [2.2900, 48.7680]]],
}  # fmt: skip
# A road passing 10 m north of the town hall's point.
ROAD = {"type": "LineString", "coordinates": [[2.2920, 48.77669], [2.2970, 48.77669]]}


def draw(world, name, geometry, **extra) -> Area:
    return territory.create_area(
        authority_id=world.sceaux.pk, name=name, kind=extra.pop("kind", "quartier"),
        geometry=geometry, actor=SYSTEM, **extra,
    )  # fmt: skip


def rule_with(world, *areas, position=0) -> RoutingRule:
    rule = RoutingRule(authority=world.sceaux, team=world.sceaux_voirie, position=position)
    return configuration.save_routing_rule(actor=SYSTEM, rule=rule, areas=list(areas))


def test_each_area_write_appends_one_event(world):
    # when an area is drawn, renamed and deleted
    area = draw(world, "Centre", AROUND_TOWN_HALL)
    territory.update_area(area=area, actor=SYSTEM, name="Centre-ville")
    territory.delete_area(area=area, actor=SYSTEM)
    # then the journal holds one event each, in the authority's name
    kinds = list(
        Event.objects.filter(subject_type="territory.area")
        .order_by("id")
        .values_list("kind", "authority_id")
    )
    assert kinds == [
        ("territory.area-created", world.sceaux.pk),
        ("territory.area-updated", world.sceaux.pk),
        ("territory.area-deleted", world.sceaux.pk),
    ]
    assert not Area.objects.filter(pk=area.pk).exists()


def test_a_refused_area_writes_nothing(world):
    before = Event.objects.count()
    with pytest.raises(AreaError):
        draw(world, "Nulle part", {"type": "Point", "coordinates": [2.29, 48.77]})
    with pytest.raises(AreaError, match="nom"):
        draw(world, "  ", AROUND_TOWN_HALL)
    draw(world, "Centre", AROUND_TOWN_HALL)
    with pytest.raises(AreaError, match="déjà"):
        draw(world, "centre", SOUTH)
    assert Area.objects.filter(authority=world.sceaux).count() == 1
    assert Event.objects.count() == before + 1


def test_areas_at_finds_the_areas_holding_a_point(world):
    draw(world, "Centre", AROUND_TOWN_HALL)
    draw(world, "Sud", SOUTH)
    draw(world, "Rue", ROAD, kind="voie", buffer_m=15)
    found = areas_at(world.sceaux, 48.7766, 2.2946)
    assert [a.name for a in found] == ["Centre", "Rue"]
    assert areas_at(world.tours, 48.7766, 2.2946) == []


def test_a_rule_with_an_area_routes_a_request_placed_inside(world):
    # given a rule sending what is placed around the town hall to the road team
    rule_with(world, draw(world, "Centre", AROUND_TOWN_HALL))
    # when a pothole is reported at the town hall
    request = file_request(world, "signalement-voirie")
    # then the road team receives it
    assert request.team == world.sceaux_voirie


def test_a_rule_with_an_area_elsewhere_does_not_match(world):
    rule_with(world, draw(world, "Sud", SOUTH))
    request = file_request(world, "signalement-voirie")
    assert request.team.is_default


def test_a_road_area_routes_a_request_within_its_width(world):
    rule_with(world, draw(world, "Rue", ROAD, kind="voie", buffer_m=15))
    assert file_request(world, "signalement-voirie").team == world.sceaux_voirie


def test_a_road_area_too_narrow_does_not_match(world):
    rule_with(world, draw(world, "Rue", ROAD, kind="voie", buffer_m=5))
    assert file_request(world, "signalement-voirie").team.is_default


def test_a_request_without_a_point_does_not_match_an_area_rule(world):
    # given the EPT's rule for an area around the town hall, and a bulky waste request (an
    # address, no point on the map)
    team = authorities.create_team(actor=SYSTEM, authority=world.ept, name="Bacs", slug="bacs")
    area = territory.create_area(
        authority_id=world.ept.pk, name="Centre", kind="quartier", geometry=AROUND_TOWN_HALL,
        actor=SYSTEM,
    )  # fmt: skip
    configuration.save_routing_rule(
        actor=SYSTEM, rule=RoutingRule(authority=world.ept, team=team), areas=[area]
    )
    # when it is filed
    request = file_request(world, "encombrants")
    # then the rule does not match: the default team receives it
    assert request.latitude is None
    assert request.authority == world.ept
    assert request.team != team


def test_an_area_redrawn_routes_with_its_new_outline_at_once(world):
    area = draw(world, "Secteur", SOUTH)
    rule_with(world, area)
    assert file_request(world, "signalement-voirie").team.is_default
    territory.update_area(area=area, actor=SYSTEM, geometry=AROUND_TOWN_HALL)
    assert file_request(world, "signalement-voirie").team == world.sceaux_voirie


def test_a_deactivated_area_no_longer_matches(world):
    area = draw(world, "Centre", AROUND_TOWN_HALL)
    rule_with(world, area)
    territory.update_area(area=area, actor=SYSTEM, is_active=False)
    assert file_request(world, "signalement-voirie").team.is_default


def test_a_rule_may_not_name_another_authoritys_area(world):
    tours_area = territory.create_area(
        authority_id=world.tours.pk, name="Centre", kind="quartier", actor=SYSTEM,
        geometry={"type": "Polygon", "coordinates": [[[0.68, 47.38], [0.70, 47.38],
                                                      [0.70, 47.40], [0.68, 47.38]]]},
    )  # fmt: skip
    with pytest.raises(ValidationError):
        rule_with(world, tours_area)
    assert not RoutingRule.objects.filter(authority=world.sceaux).exists()


def test_a_request_moved_to_another_service_is_routed_by_its_area(world):
    # given a rule sending street lighting placed around the town hall to the road team
    centre = draw(world, "Centre", AROUND_TOWN_HALL)
    rule = RoutingRule(authority=world.sceaux, team=world.sceaux_voirie, service=service(LIGHTING))
    configuration.save_routing_rule(actor=SYSTEM, rule=rule, areas=[centre])
    # and a pothole reported at the town hall, which that rule does not route
    request = file_request(world, "signalement-voirie")
    assert request.team != world.sceaux_voirie
    # when an agent moves it to street lighting
    moved = requalify(request=request, service=service(LIGHTING), actor=SYSTEM)
    # then the area's rule routes it to the road team
    assert moved.team == world.sceaux_voirie
