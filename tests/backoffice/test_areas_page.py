"""The areas' page (« Secteurs »): managers list, draw (paste), rename and delete their
authority's areas; another authority's area is not found; figures per area."""

from __future__ import annotations

import json

import pytest
from support import built_for_the_module, refreshed

from guichet.authorities.models import Role
from guichet.cases.models import Request, RoutingRule
from guichet.core.models import Event
from guichet.territory import actions as territory
from guichet.territory.models import Area

from .conftest import SYSTEM, agent, build_world, file_question

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[2.2930, 48.7755], [2.2960, 48.7755], [2.2960, 48.7775], [2.2930, 48.7775],
                     [2.2930, 48.7755]]],
}  # fmt: skip
ISSY_SQUARE = {
    "type": "Polygon",
    "coordinates": [[[2.26, 48.82], [2.27, 48.82], [2.27, 48.83], [2.26, 48.82]]],
}


def build():
    world = build_world()
    world.administrator = agent("admin.sceaux", world.sceaux, Role.ADMINISTRATOR)
    world.issy_manager = agent("responsable.issy", world.issy, Role.MANAGER)
    return world


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, build) as world:
        yield world


@pytest.fixture
def world(_module_world, db):
    return refreshed(_module_world)


def post_area(client, world, **changes):
    data = {"collectivite": world.sceaux.pk, "name": "Centre-ville", "kind": "quartier",
            "buffer_m": "15", "geometry": json.dumps(SQUARE)} | changes  # fmt: skip
    return client.post("/agents/secteurs/", data)


def test_a_manager_pastes_an_area_and_sees_it_listed(client, world):
    client.force_login(world.manager)
    response = post_area(client, world)
    assert response.status_code == 302
    area = Area.objects.get(authority=world.sceaux)
    assert area.name == "Centre-ville" and area.geometry["type"] == "Polygon"
    page = client.get(response["Location"]).content.decode()
    assert "Centre-ville" in page and "Le secteur « Centre-ville » est enregistré." in page
    assert Event.objects.filter(kind="territory.area-created", subject_id=area.pk).count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"geometry": "{"}, "JSON invalide"),
        ({"geometry": ""}, "Dessinez le secteur"),
        (
            {"geometry": json.dumps({"type": "Point", "coordinates": [2.29, 48.77]})},
            "n&#x27;est pas accepté",
        ),
        (
            {
                "geometry": json.dumps(
                    {
                        "type": "Polygon",
                        "coordinates": [
                            [
                                [2.29, 48.77],
                                [2.30, 48.78],
                                [2.30, 48.77],
                                [2.29, 48.78],
                                [2.29, 48.77],
                            ]
                        ],
                    }
                )
            },
            "se recoupe",
        ),
        ({"name": ""}, "Ce champ est obligatoire."),
        ({"name": "x" * 500}, "120 caractères"),
        ({"kind": "chateau"}, "Choisissez le type"),
        ({"buffer_m": "-3"}, "Au moins 1"),
        ({"buffer_m": "9" * 40}, "Au plus 200"),
        ({"name": "a\x00b"}, ""),
    ],
)
def test_a_wrong_area_is_refused_in_french_and_nothing_is_written(client, world, changes, message):
    client.force_login(world.manager)
    before = Event.objects.count()
    response = post_area(client, world, **changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Area.objects.exists()
    assert Event.objects.count() == before


def test_renaming_and_deleting_an_area(client, world):
    client.force_login(world.administrator)
    area = territory.create_area(authority_id=world.sceaux.pk, name="Centre", kind="quartier",
                                 geometry=SQUARE, actor=SYSTEM)  # fmt: skip
    assert client.get(f"/agents/secteurs/{area.pk}/").status_code == 200
    response = client.post(f"/agents/secteurs/{area.pk}/", {
        "name": "Cœur de ville", "kind": "quartier", "buffer_m": "15",
        "geometry": json.dumps(area.geometry)})  # fmt: skip
    assert response.status_code == 302
    area.refresh_from_db()
    assert area.name == "Cœur de ville"
    assert client.post(f"/agents/secteurs/{area.pk}/supprimer/").status_code == 302
    assert not Area.objects.filter(pk=area.pk).exists()


def test_another_authoritys_area_is_not_found(client, world):
    issy_area = territory.create_area(authority_id=world.issy.pk, name="Issy", kind="quartier",
                                      geometry=ISSY_SQUARE, actor=SYSTEM)  # fmt: skip
    client.force_login(world.manager)
    assert client.get(f"/agents/secteurs/{issy_area.pk}/").status_code == 404
    assert client.post(f"/agents/secteurs/{issy_area.pk}/supprimer/").status_code == 404
    assert client.post(f"/agents/secteurs/{issy_area.pk}/", {"name": "Pris"}).status_code == 404
    assert Area.objects.get(pk=issy_area.pk).name == "Issy"
    # nor can one be created for another authority by changing the posted choice
    post_area(client, world, collectivite=world.issy.pk, name="Intrus")
    assert not Area.objects.filter(authority=world.issy, name="Intrus").exists()
    assert "Issy" not in client.get("/agents/secteurs/").content.decode()


@pytest.mark.parametrize("who", ["handler", "front", "outsider"])
def test_the_page_is_for_managers_and_administrators(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get("/agents/secteurs/").status_code == 403


def test_the_list_counts_the_requests_placed_in_each_area(client, world):
    territory.create_area(authority_id=world.sceaux.pk, name="Centre", kind="quartier",
                          geometry=SQUARE, actor=SYSTEM)  # fmt: skip
    inside, outside = file_question(world), file_question(world)
    Request.objects.filter(pk=inside.pk).update(latitude=48.7765, longitude=2.2945)
    Request.objects.filter(pk=outside.pk).update(latitude=48.7700, longitude=2.2945)
    client.force_login(world.manager)
    html = client.get("/agents/secteurs/").content.decode()
    row = html[html.index('data-area="Centre"') :]
    row = row[: row.index("</tr>")]
    assert "<td>1</td><td>1</td>" in row.replace("\n", "")


def test_the_routing_page_names_a_rules_areas(client, world):
    area = territory.create_area(authority_id=world.sceaux.pk, name="Centre", kind="quartier",
                                 geometry=SQUARE, actor=SYSTEM)  # fmt: skip
    rule = RoutingRule.objects.create(authority=world.sceaux, team=world.voirie)
    rule.areas.add(area)
    client.force_login(world.manager)
    assert "secteur = « Centre »" in client.get("/agents/orientation/").content.decode()
