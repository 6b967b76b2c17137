"""API keys on POST (the spec's 403s) and tenant isolation between jurisdictions."""

import pytest

from guichet.api import keys
from guichet.cases.models import Request

from .factories import SCEAUX_POINT, SYSTEM, TOURS_POINT, file_on_web
from .schemas import ERRORS, SERVICE_REQUESTS, check_json, check_xml

POTHOLE = {"service_code": "signalement-voirie", "attribute[nature]": "nid_de_poule"}


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("api_key", [None, "", "nope", "abcd1234.wrong-secret"])
def test_posting_without_a_valid_key_is_a_403_in_the_spec_format(client, world, fmt, api_key):
    # given a client with no key, or a wrong one
    data = POTHOLE | SCEAUX_POINT | {"jurisdiction_id": "sceaux"}
    if api_key is not None:
        data["api_key"] = api_key
    # when it posts a report
    response = client.post(f"/open311/v2/requests.{fmt}", data)
    # then 403 with the spec's error body, and nothing is filed
    assert response.status_code == 403
    if fmt == "json":
        errors = check_json(response, ERRORS)
        assert errors[0]["code"] == 403
        assert "api_key" in errors[0]["description"]
    else:
        tree = check_xml(response, "errors")
        assert tree.findtext("error/code") == "403"
    assert not Request.objects.filter(channel="open311").exists()


def test_a_revoked_key_is_refused(client, world):
    # given Sceaux's key, revoked
    keys.revoke_key(actor=SYSTEM, api_key=world.sceaux_key_row)
    # when its application posts
    response = client.post(
        "/open311/v2/requests.json", POTHOLE | SCEAUX_POINT | {"api_key": world.sceaux_key}
    )
    # then 403
    assert response.status_code == 403
    check_json(response, ERRORS)


def test_a_read_only_key_cannot_file(client, world):
    # given a key with the read scope only
    # when its application posts
    response = client.post(
        "/open311/v2/requests.json", POTHOLE | SCEAUX_POINT | {"api_key": world.sceaux_read_key}
    )
    # then 403, and nothing is filed
    assert response.status_code == 403
    assert not Request.objects.filter(channel="open311").exists()


def test_the_key_may_come_in_a_header(client, world):
    # given Sceaux's application sending its key as X-API-Key
    # when it posts without api_key in the form
    response = client.post(
        "/open311/v2/requests.json", POTHOLE | SCEAUX_POINT, headers={"X-API-Key": world.sceaux_key}
    )
    # then the request is filed
    assert response.status_code == 201


def test_a_key_of_one_jurisdiction_cannot_file_for_another(client, world):
    # given Tours's key
    # when its application posts for jurisdiction sceaux, at a point in Sceaux
    response = client.post(
        "/open311/v2/requests.json",
        POTHOLE | SCEAUX_POINT | {"api_key": world.tours_key, "jurisdiction_id": "sceaux"},
    )
    # then 403, nothing filed
    assert response.status_code == 403
    assert "Ville de Sceaux" in check_json(response, ERRORS)[0]["description"]
    assert not Request.objects.filter(channel="open311").exists()


def test_a_key_files_for_its_own_jurisdiction_when_none_is_named(client, world):
    # given Tours's key
    # when its application posts a report in Tours without jurisdiction_id
    response = client.post(
        "/open311/v2/requests.json", POTHOLE | TOURS_POINT | {"api_key": world.tours_key}
    )
    # then the request is Tours's
    assert response.status_code == 201
    reference = response.json()[0]["service_request_id"]
    assert Request.objects.get(reference=reference).authority == world.tours


def test_a_jurisdiction_never_lists_another_jurisdiction_requests(client, world):
    # given reports in Sceaux and in Tours
    in_sceaux = file_on_web(world)
    in_tours = file_on_web(world, commune=world.tours_commune)
    # when each jurisdiction's list is read, also asking for the other's reference explicitly
    both = f"&service_request_id={in_sceaux.reference},{in_tours.reference}"
    tours = check_json(
        client.get("/open311/v2/requests.json?jurisdiction_id=tours" + both), SERVICE_REQUESTS
    )
    sceaux = check_json(
        client.get("/open311/v2/requests.json?jurisdiction_id=sceaux" + both), SERVICE_REQUESTS
    )
    tours_all = check_json(
        client.get("/open311/v2/requests.json?jurisdiction_id=tours"), SERVICE_REQUESTS
    )
    # then each sees only its own
    assert [r["service_request_id"] for r in tours] == [in_tours.reference]
    assert [r["service_request_id"] for r in sceaux] == [in_sceaux.reference]
    assert in_sceaux.reference not in [r["service_request_id"] for r in tours_all]


def test_a_single_request_asked_under_another_jurisdiction_is_not_found(client, world):
    # given a report in Sceaux
    request = file_on_web(world)
    # when asked for under Tours, by id and by token
    by_id = client.get(f"/open311/v2/requests/{request.reference}.json?jurisdiction_id=tours")
    by_token = client.get(f"/open311/v2/tokens/{request.reference}.json?jurisdiction_id=tours")
    # then 404 both times
    assert by_id.status_code == by_token.status_code == 404
    check_json(by_id, ERRORS)
