"""Every refusal has a precise body (detail, code, field errors in French) and status."""

from __future__ import annotations

from .factories import auth, file_request, new_request_body

URL = "/api/v1/requests"


def test_malformed_json_is_a_400(client, world):
    # given a body that is not JSON
    # when it is posted
    response = client.post(
        URL, "{pas du json", content_type="application/json", **auth(world.sceaux_key)
    )
    # then 400 with a French message
    assert response.status_code == 400
    assert response.json()["code"] == "json_invalide"


def test_a_bad_cursor_is_a_400_naming_the_field(client, world):
    # given a cursor that was never issued
    # when the list is asked with it
    response = client.get(URL, {"cursor": "n'importe quoi"}, **auth(world.sceaux_key))
    # then 400 on the field "cursor"
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "cursor"


def test_schema_errors_are_a_422_listing_every_field(client, world):
    # given a body with a wrong latitude, an unexpected field and a person of the wrong type
    body = {"person": "x@exemple.fr", "latitude": 200, "longitude": 2, "couleur": "bleu"}
    # when it is posted
    response = client.post(URL, body, content_type="application/json", **auth(world.sceaux_key))
    # then 422 with one entry per field, in French
    assert response.status_code == 422
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert set(errors) == {"person", "latitude", "couleur"}
    assert errors["latitude"]["code"] == "less_than_equal"
    assert errors["couleur"]["message"] == "Ce champ n'est pas attendu."


def test_neither_a_service_nor_a_description_is_a_422_on_the_service(client, world):
    # given a well-formed body without a service code nor a free-text description
    body = {"person": {"email": "x@exemple.fr"}, "latitude": 48.77, "longitude": 2.29}
    # when it is posted
    response = client.post(URL, body, content_type="application/json", **auth(world.sceaux_key))
    # then 422 on the service, saying both ways to file (a triage request needs a description)
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "service" and "description" in error["message"]


def test_form_errors_are_a_422_with_field_messages(client, world):
    # given a pothole report with an unknown nature and no location
    body = new_request_body(form_data={"nature": "volcan"})
    # when it is posted
    response = client.post(URL, body, content_type="application/json", **auth(world.sceaux_key))
    # then 422 naming the form fields, in French
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"nature", "emplacement"} <= fields
    assert response.json()["code"] == "demande_invalide"


def test_an_invalid_contact_is_a_422_on_its_field(client, world):
    # given a person with an impossible e-mail address
    body = new_request_body(person={"email": "pas-une-adresse"})
    # when it is posted
    response = client.post(URL, body, content_type="application/json", **auth(world.sceaux_key))
    # then 422 on person.email
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "person.email"


def test_an_unknown_service_or_commune_is_a_422(client, world):
    # given an unknown service, then an unknown commune code
    unknown_service = client.post(
        URL,
        new_request_body(service="licorne"),
        content_type="application/json",
        **auth(world.sceaux_key),
    )
    unknown_commune = client.post(
        URL,
        new_request_body(commune="00000"),
        content_type="application/json",
        **auth(world.sceaux_key),
    )
    # then 422 on each field
    assert (
        unknown_service.status_code == 422
        and unknown_service.json()["errors"][0]["field"] == "service"
    )
    assert (
        unknown_commune.status_code == 422
        and unknown_commune.json()["errors"][0]["field"] == "commune"
    )


def test_an_unknown_reference_is_a_404_in_french(client, world):
    # given no such request
    # when it is asked for
    response = client.get(f"{URL}/AAAA-BBBB-CC", **auth(world.sceaux_key))
    # then 404
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Demande introuvable.",
        "code": "introuvable",
        "errors": [],
    }


def test_a_stale_state_is_a_409(client, world):
    # given a request the client saw "qualified" while it is "received"
    request = file_request(world)
    # when it moves it expecting the state it saw
    response = client.post(
        f"{URL}/{request.reference}/transitions", {"to": "in_progress", "expected_state": "qualified"},
        content_type="application/json", **auth(world.sceaux_key),
    )  # fmt: skip
    # then 409 saying someone else changed it
    assert response.status_code == 409
    assert "modifiée par quelqu'un d'autre" in response.json()["detail"]


def test_an_empty_message_is_a_422(client, world):
    # given a request
    request = file_request(world)
    # when an empty message is posted
    response = client.post(
        f"{URL}/{request.reference}/messages",
        {"body": ""},
        content_type="application/json",
        **auth(world.sceaux_key),
    )
    # then 422 on "body"
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"


def test_a_form_sent_where_json_is_expected_is_a_415_in_the_api_shape(client, world):
    # given a request of Sceaux, and a signed-in agent posting a form (multipart) to its
    # transitions, which read a JSON body
    request = file_request(world)
    client.force_login(world.agent_sceaux)
    response = client.post(f"{URL}/{request.reference}/transitions", {"to": "in_progress"})
    # then 415 in the API's error shape, in French
    assert response.status_code == 415
    assert response.json()["code"] == "type_de_contenu"
    assert "JSON" in response.json()["detail"]
    request.refresh_from_db()
    assert request.state == "received"
