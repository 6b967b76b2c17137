"""A service's place-based report settings (issue 16): one action, one event, checked."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from guichet.catalogue.actions import load_catalogue, set_reports_settings
from guichet.catalogue.models import Service
from guichet.core.journal import Actor
from guichet.core.models import Event

SYSTEM = Actor.system("tests")


@pytest.fixture
def roads(db):
    load_catalogue(actor=SYSTEM)
    return Service.objects.get(slug="signalement-voirie")


def test_the_settings_change_with_one_event_and_nothing_when_unchanged(roads):
    version = roads.current_version_id
    set_reports_settings(
        service=roads, actor=SYSTEM, nearby_radius_m=50, nearby_days=14, public_reports=True
    )
    roads.refresh_from_db()
    assert (roads.nearby_radius_m, roads.nearby_days, roads.public_reports) == (50, 14, True)
    # not the service's versioned content: no new version
    assert roads.current_version_id == version
    events = Event.objects.filter(kind="catalogue.service-reports-settings-changed")
    assert events.count() == 1 and events.get().payload["nearby_radius_m"] == 50
    set_reports_settings(service=roads, actor=SYSTEM, nearby_radius_m=50)
    assert events.count() == 1


@pytest.mark.parametrize(
    "changes, field",
    [({"nearby_radius_m": 50_000}, "nearby_radius_m"), ({"nearby_days": 0}, "nearby_days")],
)
def test_out_of_range_settings_are_refused_in_french(roads, changes, field):
    with pytest.raises(ValidationError) as refused:
        set_reports_settings(service=roads, actor=SYSTEM, **changes)
    assert field in refused.value.message_dict
    roads.refresh_from_db()
    assert roads.nearby_radius_m == 0 and roads.nearby_days == 30


def test_the_demo_turns_nearby_reports_on_for_its_place_based_services(roads):
    from guichet.demo.world import PLACE_SERVICES, _place_reports

    _place_reports(SYSTEM)
    for service in Service.objects.filter(slug__in=PLACE_SERVICES):
        assert (service.nearby_radius_m, service.public_reports) == (50, True)
    assert Service.objects.get(slug="question-generale").nearby_radius_m == 0
