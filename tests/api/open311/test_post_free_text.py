"""An Open311 POST without service_code but with a description is filed for triage."""

from guichet.cases.models import Request

from .factories import SCEAUX_POINT
from .schemas import CREATED, ERRORS, check_json, check_xml
from .test_post_requests import post

TEXT = "Un lampadaire est éteint devant l'école."


def test_a_description_without_service_code_is_filed_for_triage(client, world):
    response = post(client, world, description=TEXT, **SCEAUX_POINT)
    assert response.status_code == 201
    (created,) = check_json(response, CREATED)
    request = Request.objects.get(reference=created["service_request_id"])
    assert request.service.slug == "demande-a-qualifier" and request.channel == "open311"
    assert request.authority == world.sceaux and request.form_data["description"] == TEXT


def test_without_a_place_it_is_filed_for_the_jurisdiction(client, world):
    response = post(client, world, "xml", description=TEXT)
    assert response.status_code == 201
    root = check_xml(response, "service_requests")
    reference = root.findtext("request/service_request_id")
    assert Request.objects.get(reference=reference).authority == world.sceaux


def test_neither_code_nor_description_stays_a_400_in_open311s_shape(client, world):
    before = Request.objects.count()
    missing = post(client, world, **SCEAUX_POINT)
    assert missing.status_code == 400
    assert "service_code" in check_json(missing, ERRORS)[0]["description"]
    assert Request.objects.count() == before
