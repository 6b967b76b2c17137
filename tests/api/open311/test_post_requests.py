"""POST requests: filing through Open311, in JSON and XML, with attributes and locations."""

import pytest

from guichet.cases.models import Request

from .factories import SCEAUX_POINT, TOURS_POINT, keyed
from .schemas import CREATED, ERRORS, SERVICE_REQUESTS, check_json, check_xml


def post(client, world, fmt="json", **fields):
    data = {"api_key": world.sceaux_key, "jurisdiction_id": "sceaux"} | fields
    return client.post(f"/open311/v2/requests.{fmt}", data)


POTHOLE = {"service_code": "signalement-voirie", "attribute[nature]": "nid_de_poule"}


def test_posting_a_report_files_a_request_and_returns_its_reference(client, world):
    # given Sceaux's application with its key
    # when it posts a pothole report at a point in Sceaux, with the reporter's e-mail
    response = post(
        client, world, **POTHOLE, **SCEAUX_POINT, email="jean@exemple.fr", first_name="Jean",
        last_name="Dupont", description="Trou dangereux\\nprès de l'école.",
    )  # fmt: skip
    # then 201 with the reference as service_request_id (we file synchronously: no token)
    assert response.status_code == 201
    created = check_json(response, CREATED)
    request = Request.objects.get(reference=created[0]["service_request_id"])
    assert "token" not in created[0]
    # and the request is Sceaux's, from the open311 channel, with the form filled in
    assert request.authority == world.sceaux
    assert request.channel == "open311"
    assert request.form_data["nature"] == "nid_de_poule"
    assert request.form_data["emplacement"] == {"lat": 48.7766, "lon": 2.2946}
    assert request.form_data["description"].startswith("Trou dangereux")
    assert request.person.first_name == "Jean"
    assert request.person.identities.get().value == "jean@exemple.fr"


def test_posting_in_xml_answers_in_xml(client, world):
    # given Sceaux's application
    # when it posts in the XML variant
    response = post(client, world, "xml", **POTHOLE, **SCEAUX_POINT)
    # then the answer is service_requests/request with the id and the notice
    assert response.status_code == 201
    tree = check_xml(response, "service_requests")
    reference = tree.findtext("request/service_request_id")
    assert Request.objects.filter(reference=reference, channel="open311").exists()


def test_attributes_of_every_type_are_converted_to_the_form(client, world):
    # given the street furniture service (every field type)
    # when the client posts multi-valued, numeric, datetime and boolean attributes
    response = client.post(
        "/open311/v2/requests.json",
        "&".join([
            f"api_key={world.sceaux_key}", "service_code=mobilier-urbain",
            "lat=48.7766", "long=2.2946", "attribute[objet]=banc",
            "attribute[degats][]=casse", "attribute[degats][]=tague", "attribute[nombre]=2",
            "attribute[constate_le]=2024-03-01T08:30:00%2B01:00", "attribute[dangereux]=true",
            "attribute[inconnu]=ignored", "address_string=3+rue+Houdan+92330+Sceaux",
        ]),
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip
    # then the request holds them in the form's own types
    assert response.status_code == 201, response.content
    reference = check_json(response, CREATED)[0]["service_request_id"]
    form = Request.objects.get(reference=reference).form_data
    assert form["degats"] == ["casse", "tague"]
    assert form["nombre"] == 2
    assert form["constate_le"] == "2024-03-01"
    assert form["dangereux"] is True
    assert form["adresse"] == "3 rue Houdan 92330 Sceaux"
    assert "inconnu" not in form


def test_an_address_string_alone_is_placed_by_its_postcode(client, world):
    # given a service that needs no map point (street furniture without location)
    world.mobilier.form_definition = [
        f for f in world.mobilier.form_definition if f["type"] != "location"
    ]
    world.mobilier.save()
    # when the client gives only an address with its postcode
    response = post(
        client, world, service_code="mobilier-urbain", **{"attribute[objet]": "banc"},
        address_string="Place du Général de Gaulle, 92330 Sceaux",
    )  # fmt: skip
    # then the request is filed in Sceaux with that address
    assert response.status_code == 201, response.content
    request = Request.objects.get(reference=response.json()[0]["service_request_id"])
    assert request.commune == world.sceaux_commune
    assert request.address == "Place du Général de Gaulle, 92330 Sceaux"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_address_id_is_not_supported_and_says_so_with_a_400(client, world, fmt):
    # given a client that only has an address identifier
    # when it posts
    response = post(client, world, fmt, **POTHOLE, address_id="545483")
    # then 400 in the spec's error format, naming address_id; nothing is filed
    assert response.status_code == 400
    if fmt == "json":
        assert "address_id" in check_json(response, ERRORS)[0]["description"]
    else:
        assert "address_id" in check_xml(response, "errors").findtext("error/description")
    assert not Request.objects.filter(channel="open311").exists()


def test_missing_required_attribute_is_a_400_listing_the_problem(client, world):
    # given a pothole report without its required "nature"
    # when posted
    response = post(client, world, service_code="signalement-voirie", **SCEAUX_POINT)
    # then 400 with the form's French message
    assert response.status_code == 400
    errors = check_json(response, ERRORS)
    assert any("obligatoire" in e["description"] for e in errors)


def test_a_point_outside_the_jurisdiction_is_refused_and_nothing_is_filed(client, world):
    # given Sceaux's key
    # when its application posts a report located in Tours
    response = post(client, world, **POTHOLE, **TOURS_POINT)
    # then 400: Tours handles it, not Sceaux; and nothing is filed anywhere
    assert response.status_code == 400
    assert "Ville de Sceaux" in check_json(response, ERRORS)[0]["description"]
    assert not Request.objects.filter(channel="open311").exists()


def test_missing_service_code_is_a_400_and_an_unknown_one_a_404(client, world):
    # given Sceaux's key
    # when posting without service_code, then with one Sceaux does not offer
    missing = post(client, world, **SCEAUX_POINT)
    unknown = post(client, world, service_code="route-departementale", **SCEAUX_POINT)
    # then the spec's 400 and 404
    assert missing.status_code == 400
    assert "service_code" in check_json(missing, ERRORS)[0]["description"]
    assert unknown.status_code == 404
    check_json(unknown, ERRORS)


def test_the_created_request_reads_back_as_open(client, world):
    # given a report just posted
    reference = post(client, world, **POTHOLE, **SCEAUX_POINT).json()[0]["service_request_id"]
    # when the client reads it with its key
    url = f"/open311/v2/requests/{reference}.json"
    data = check_json(client.get(url, **keyed(world)), SERVICE_REQUESTS)
    # then it is open, handled by Sceaux, at the posted point
    assert data[0]["status"] == "open"
    assert data[0]["agency_responsible"] == "Ville de Sceaux"
    assert (data[0]["lat"], data[0]["long"]) == (48.7766, 2.2946)
