"""GET discovery, GET services, GET services/{code}: JSON and XML against the spec."""

import pytest

from .schemas import (
    DISCOVERY,
    ERRORS,
    SERVICE_DEFINITION,
    SERVICES,
    check_json,
    check_xml,
    xml_record,
)


def test_discovery_lists_the_endpoint_and_every_jurisdiction_in_json_and_xml(client, world):
    # given the platform hosting Sceaux, its EPT, its département and Tours
    # when a client reads the discovery document in both formats
    as_json = client.get("/open311/v2/discovery.json")
    as_xml = client.get("/open311/v2/discovery.xml")
    # then both describe the GeoReport v2 endpoint and name every jurisdiction by its slug
    data = check_json(as_json, DISCOVERY)
    assert data["endpoints"][0]["url"] == "http://testserver/open311/v2/"
    assert {"sceaux", "tours", "vallee-sud", "hauts-de-seine"} <= {
        j["jurisdiction_id"] for j in data["jurisdictions"]
    }
    tree = check_xml(as_xml, "discovery")
    endpoint = tree.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
    assert "sceaux" in [
        j.findtext("jurisdiction_id") for j in tree.findall("jurisdictions/jurisdiction")
    ]


def test_services_of_a_commune_are_its_open311_services_with_their_group(client, world):
    # given Sceaux on the platform (communal services are its own)
    # when a client lists its services in JSON
    data = check_json(client.get("/open311/v2/services.json?jurisdiction_id=sceaux"), SERVICES)
    # then the communal reports open to Open311 are there, the departmental road one is not,
    # nor any procedure (a birth certificate is not an Open311 service)
    codes = {s["service_code"] for s in data}
    assert {"signalement-voirie", "eclairage-public-en-panne", "depot-sauvage"} <= codes
    assert "route-departementale" not in codes
    assert "acte-de-naissance" not in codes
    voirie = next(s for s in data if s["service_code"] == "signalement-voirie")
    assert voirie["type"] == "realtime"
    assert voirie["metadata"] is True
    assert voirie["group"] == "Voirie et espace public"
    assert "trottoir" in voirie["keywords"].split(", ")


def test_departmental_services_belong_to_the_departement(client, world):
    # given the Hauts-de-Seine département
    # when a client lists its services
    data = check_json(
        client.get("/open311/v2/services.json?jurisdiction_id=hauts-de-seine"), SERVICES
    )
    # then it offers the departmental road reports and no communal service
    assert [s["service_code"] for s in data] == ["route-departementale"]


def test_services_in_xml_have_the_same_content_as_in_json(client, world):
    # given Sceaux's services
    as_json = check_json(client.get("/open311/v2/services.json?jurisdiction_id=sceaux"), SERVICES)
    # when the client asks for XML
    tree = check_xml(client.get("/open311/v2/services.xml?jurisdiction_id=sceaux"), "services")
    # then each <service> carries the same fields, booleans spelled true/false
    records = [xml_record(s) for s in tree]
    assert [r["service_code"] for r in records] == [s["service_code"] for s in as_json]
    assert records[0]["metadata"] in ("true", "false")
    assert records[0]["type"] == "realtime"


def test_a_url_without_extension_answers_in_xml(client, world):
    # given a client that omits the format
    # when it lists services
    response = client.get("/open311/v2/services?jurisdiction_id=sceaux")
    # then it gets the spec's mandatory format, XML
    check_xml(response, "services")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_services_without_jurisdiction_is_a_400_in_the_spec_error_format(client, world, fmt):
    # given a platform hosting several jurisdictions
    # when a client omits jurisdiction_id
    response = client.get(f"/open311/v2/services.{fmt}")
    # then it gets 400 with the spec's error list naming the missing argument
    assert response.status_code == 400
    if fmt == "json":
        errors = check_json(response, ERRORS)
        assert errors[0]["code"] == 400
        assert "jurisdiction_id" in errors[0]["description"]
    else:
        tree = check_xml(response, "errors")
        assert tree.find("error/code").text == "400"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_jurisdiction_is_a_404(client, world, fmt):
    # given no authority "atlantis"
    # when a client asks for its services
    response = client.get(f"/open311/v2/services.{fmt}?jurisdiction_id=atlantis")
    # then the spec's 404
    assert response.status_code == 404
    if fmt == "json":
        assert check_json(response, ERRORS)[0]["code"] == 404
    else:
        assert check_xml(response, "errors").findtext("error/code") == "404"


def test_service_definition_maps_form_fields_to_open311_datatypes(client, world):
    # given the pothole report form (choice, short text, location, address, checkbox, long
    # text, file)
    # when a client reads its definition
    data = check_json(
        client.get("/open311/v2/services/signalement-voirie.json?jurisdiction_id=sceaux"),
        SERVICE_DEFINITION,
    )
    # then each field maps to its datatype, in order; the place and the photo are not
    # attributes (they travel as lat/long and media)
    attributes = {a["code"]: a for a in data["attributes"]}
    assert data["service_code"] == "signalement-voirie"
    assert attributes["nature"]["datatype"] == "singlevaluelist"
    assert attributes["nature"]["required"] is True
    assert attributes["nature"]["values"][0] == {
        "key": "nid_de_poule",
        "name": "Nid-de-poule ou trou dans la chaussée",
    }
    assert attributes["precision_autre"]["datatype"] == "string"
    assert attributes["precision_autre"]["required"] is False  # shown under a condition
    assert attributes["description"]["datatype"] == "text"
    assert attributes["adresse"]["datatype"] == "string"
    assert attributes["danger"]["values"] == [
        {"key": "true", "name": "Oui"},
        {"key": "false", "name": "Non"},
    ]
    assert "emplacement" not in attributes and "photo" not in attributes
    assert [a["order"] for a in data["attributes"]] == list(range(1, len(attributes) + 1))


def test_service_definition_maps_every_field_type(client, world):
    # given a service whose form uses every field type
    # when a client reads its definition
    data = check_json(
        client.get("/open311/v2/services/mobilier-urbain.json?jurisdiction_id=sceaux"),
        SERVICE_DEFINITION,
    )
    # then each type has its Open311 datatype, with a hint where the format matters
    attributes = {a["code"]: a for a in data["attributes"]}
    assert {code: a["datatype"] for code, a in attributes.items()} == {
        "objet": "singlevaluelist",
        "degats": "multivaluelist",
        "nombre": "number",
        "constate_le": "datetime",
        "numero": "string",
        "adresse": "string",
        "courriel": "string",
        "dangereux": "singlevaluelist",
        "details": "text",
    }
    assert attributes["degats"]["values"] == [
        {"key": "casse", "name": "Cassé"},
        {"key": "tague", "name": "Tagué"},
    ]
    assert (
        attributes["numero"]["datatype_description"]
        == "Inscrit sur la plaque. 255 caractères au plus."
    )
    # and the texts say how long they may be (the one limit of the form, 4000 by default)
    assert attributes["details"]["datatype_description"] == "4000 caractères au plus."
    assert "AAAA-MM-JJ" in attributes["constate_le"]["datatype_description"]
    assert attributes["objet"]["required"] is True
    assert attributes["nombre"]["required"] is False


def test_a_service_without_attributes_has_no_metadata(client, world):
    # given a service whose form holds only a place and a photo
    world.mobilier.form_definition = [
        {"name": "emplacement", "label": "Emplacement", "type": "location", "required": True}
    ]
    world.mobilier.save()
    # when a client lists Sceaux's services
    data = check_json(client.get("/open311/v2/services.json?jurisdiction_id=sceaux"), SERVICES)
    # then that service says no definition call is needed
    mobilier = next(s for s in data if s["service_code"] == "mobilier-urbain")
    assert mobilier["metadata"] is False
    assert mobilier["keywords"] == "banc, barrière, poubelle"


def test_service_definition_in_xml_nests_attributes_and_values(client, world):
    # given the pothole report definition
    # when read in XML
    tree = check_xml(
        client.get("/open311/v2/services/signalement-voirie.xml?jurisdiction_id=sceaux"),
        "service_definition",
    )
    # then attributes/attribute/values/value hold key and name
    assert tree.findtext("service_code") == "signalement-voirie"
    nature = next(a for a in tree.findall("attributes/attribute") if a.findtext("code") == "nature")
    assert nature.findtext("datatype") == "singlevaluelist"
    assert nature.findtext("variable") == "true"
    assert nature.find("values/value/key").text
    assert nature.find("values/value/name").text


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_code_is_a_404(client, world, fmt):
    # given Sceaux, which does not handle departmental roads
    # when a client asks for that definition there
    response = client.get(f"/open311/v2/services/route-departementale.{fmt}?jurisdiction_id=sceaux")
    # then 404 in the spec's format
    assert response.status_code == 404
    if fmt == "json":
        check_json(response, ERRORS)
    else:
        check_xml(response, "errors")
