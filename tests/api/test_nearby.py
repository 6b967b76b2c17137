"""Filing through the API answers the open requests already reported nearby (issue 16)."""

from __future__ import annotations

from guichet.catalogue.models import Service

from .factories import auth, file_request, new_request_body

URL = "/api/v1/requests"


def roads(radius: int) -> Service:
    service = Service.objects.get(slug="signalement-voirie")
    service.nearby_radius_m = radius
    service.save(update_fields=["nearby_radius_m"])
    return service


def test_the_answer_to_a_filing_lists_the_open_requests_nearby(client, world):
    # given Alice's open pothole report at the same point, and one in Tours
    roads(50)
    existing = file_request(world)
    file_request(world, in_tours=True)
    # when an application files the same pothole
    response = client.post(
        URL, new_request_body(), content_type="application/json", **auth(world.sceaux_key)
    )
    # then the answer names the existing one with its distance, and not the new one itself
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [n["reference"] for n in body["nearby"]] == [existing.reference]
    assert body["nearby"][0]["distance_m"] == 0
    assert body["nearby"][0]["public_status"] == "ongoing"
    # and nothing of the person who filed it
    assert set(body["nearby"][0]) == {"reference", "distance_m", "received_at", "public_status"}


def test_a_service_that_looks_nothing_up_answers_an_empty_list(client, world):
    roads(0)
    file_request(world)
    response = client.post(
        URL, new_request_body(), content_type="application/json", **auth(world.sceaux_key)
    )
    assert response.status_code == 201 and response.json()["nearby"] == []


def test_requests_of_another_authority_are_not_named(client, world):
    # given a report in Sceaux, and Tours' key filing in Tours near nothing of its own
    roads(50)
    file_request(world)
    body = new_request_body(commune="37261", form_data={
        **new_request_body()["form_data"], "emplacement": {"lat": 47.3936, "lon": 0.6892},
    })  # fmt: skip
    response = client.post(URL, body, content_type="application/json", **auth(world.tours_key))
    assert response.status_code == 201, response.json()
    assert response.json()["nearby"] == []
