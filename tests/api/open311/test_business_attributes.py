"""SIRET and RNA fields in Open311: string attributes with a description of their format,
validated by the one form validator when a client posts them."""

from guichet.cases.models import Request

from .factories import SCEAUX_POINT
from .schemas import CREATED, ERRORS, SERVICE_DEFINITION, check_json

BUSINESS_FORM = [
    {"name": "emplacement", "label": "Emplacement", "type": "location", "required": True},
    {"name": "siret", "label": "SIRET de l'entreprise", "type": "siret", "required": True},
    {"name": "rna", "label": "Numéro RNA de l'association", "type": "rna"},
]
LA_POSTE_SIRET = "35600000000048"  # a valid SIRET (Luhn)


def _with_business_fields(world):
    world.mobilier.form_definition = BUSINESS_FORM
    world.mobilier.save()


def test_siret_and_rna_are_string_attributes_with_a_description(client, world):
    _with_business_fields(world)
    data = check_json(
        client.get("/open311/v2/services/mobilier-urbain.json?jurisdiction_id=sceaux"),
        SERVICE_DEFINITION,
    )
    attributes = {a["code"]: a for a in data["attributes"]}
    assert set(attributes) == {"siret", "rna"}
    assert attributes["siret"]["datatype"] == "string"
    assert attributes["siret"]["description"] == "SIRET de l'entreprise"
    assert attributes["siret"]["required"] is True
    assert "14 chiffres" in attributes["siret"]["datatype_description"]
    assert attributes["rna"]["datatype"] == "string"
    assert "W suivi de 9 chiffres" in attributes["rna"]["datatype_description"]


def test_posted_siret_is_filed_and_a_wrong_one_refused_in_french(client, world):
    _with_business_fields(world)
    base = {"api_key": world.sceaux_key, "jurisdiction_id": "sceaux",
            "service_code": "mobilier-urbain", **SCEAUX_POINT}  # fmt: skip
    created = client.post("/open311/v2/requests.json", base | {"attribute[siret]": LA_POSTE_SIRET})
    assert created.status_code == 201, created.content
    reference = check_json(created, CREATED)[0]["service_request_id"]
    assert Request.objects.get(reference=reference).form_data["siret"] == LA_POSTE_SIRET
    wrong = client.post("/open311/v2/requests.json", base | {"attribute[siret]": "12345678901234"})
    assert wrong.status_code == 400
    assert "SIRET" in check_json(wrong, ERRORS)[0]["description"]
