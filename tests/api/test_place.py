"""POST /requests: a commune code and a point that contradict each other are refused."""

from __future__ import annotations

import pytest

from guichet.cases.models import Request

from .factories import SCEAUX_POINT, TOURS_POINT, auth, new_request_body

URL = "/api/v1/requests"
PARIS_POINT = {"lat": 48.8566, "lon": 2.3522}  # Paris, 2 km north of Sceaux's boundary


def post(client, world, body):
    return client.post(URL, body, content_type="application/json", **auth(world.sceaux_key))


@pytest.mark.parametrize("point", [PARIS_POINT, TOURS_POINT], ids=["paris", "tours"])
def test_coordinates_outside_the_commune_given_are_a_422_naming_both(client, world, point):
    # given a pothole "in Sceaux" (92071) whose coordinates are elsewhere
    body = new_request_body(latitude=point["lat"], longitude=point["lon"])
    before = Request.objects.count()
    # when it is filed
    response = post(client, world, body)
    # then 422: the commune and the latitude are named, and nothing is filed
    assert response.status_code == 422, response.content
    data = response.json()
    assert data["code"] == "lieu_contradictoire"
    assert {e["field"] for e in data["errors"]} == {"commune", "latitude"}
    assert "n'est pas dans la commune Sceaux (92071)" in data["detail"]
    assert Request.objects.count() == before


def test_a_form_point_outside_the_commune_given_is_a_422_naming_the_form_field(client, world):
    # given the map point answered in the form, in Tours, with the commune code of Sceaux
    body = new_request_body(form_data={"nature": "nid_de_poule", "emplacement": TOURS_POINT})
    # when it is filed, then the form field is named
    response = post(client, world, body)
    assert response.status_code == 422, response.content
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"commune", "form_data.emplacement"}


def test_a_point_inside_the_commune_given_is_filed_there(client, world):
    # given coordinates inside Sceaux with its code
    body = new_request_body(latitude=SCEAUX_POINT["lat"], longitude=SCEAUX_POINT["lon"])
    # when it is filed, then it is Sceaux's
    response = post(client, world, body)
    assert response.status_code == 201, response.content
    assert Request.objects.get(reference=response.json()["reference"]).commune.code == "92071"


def test_the_competence_question_refuses_the_same_contradiction(client, world):
    response = client.get(
        "/api/v1/competences",
        {"service": "signalement-voirie", "commune": "92071", **PARIS_POINT},
        **auth(world.sceaux_key),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "lieu_contradictoire"
