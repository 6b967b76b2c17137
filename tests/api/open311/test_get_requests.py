"""GET requests, requests/{id}, tokens/{token}: fields, filters, extensions, in JSON and XML."""

from datetime import timedelta

import pytest

from guichet.cases import actions as cases
from guichet.core import clock
from guichet.core.journal import Actor

from .factories import file_on_web, keyed, resolve, service
from .schemas import (
    ERRORS,
    EXTENDED_SERVICE_REQUESTS,
    SERVICE_REQUESTS,
    TOKEN,
    check_json,
    check_xml,
    xml_record,
)

LIST = "/open311/v2/requests.{fmt}?jurisdiction_id=sceaux"


def test_a_resolved_request_is_closed_with_the_agent_note_as_status_notes(client, world):
    # given a pothole report filed on the web and resolved by Sceaux with a note
    request = resolve(world, file_on_web(world), note="Trou rebouché.")
    # when Sceaux's application lists Sceaux's requests in JSON, with its key
    data = check_json(client.get(LIST.format(fmt="json"), **keyed(world)), SERVICE_REQUESTS)
    # then the request is there, closed, with the note and every date in W3C format
    found = next(r for r in data if r["service_request_id"] == request.reference)
    assert found["status"] == "closed"
    assert found["status_notes"] == "Trou rebouché."
    assert found["service_code"] == "signalement-voirie"
    assert found["description"] == "Un trou profond devant l'école."
    assert found["agency_responsible"] == "Ville de Sceaux"
    assert found["requested_datetime"].endswith(("+01:00", "+02:00"))
    assert found["zipcode"] == "92330"


def test_the_xml_list_carries_the_same_requests(client, world):
    # given two web reports in Sceaux
    first, second = file_on_web(world), file_on_web(world)
    # when listed in XML with Sceaux's key
    tree = check_xml(client.get(LIST.format(fmt="xml"), **keyed(world)), "service_requests")
    # then each <request> has the spec's fields, newest first
    records = [xml_record(r) for r in tree]
    assert [r["service_request_id"] for r in records] == [second.reference, first.reference]
    assert records[0]["status"] == "open"
    assert records[0]["lat"] == "48.7766"
    assert "address_id" in records[0]  # present and empty, as in the spec's example


def test_status_filter_separates_open_and_closed(client, world):
    # given one open and one resolved report
    still_open, done = file_on_web(world), resolve(world, file_on_web(world))
    # when filtering by status
    opened = check_json(client.get(LIST.format(fmt="json") + "&status=open"), SERVICE_REQUESTS)
    closed = check_json(client.get(LIST.format(fmt="json") + "&status=closed"), SERVICE_REQUESTS)
    both = check_json(client.get(LIST.format(fmt="json") + "&status=open,closed"), SERVICE_REQUESTS)
    # then each list holds what it says
    assert [r["service_request_id"] for r in opened] == [still_open.reference]
    assert [r["service_request_id"] for r in closed] == [done.reference]
    assert len(both) == 2


def test_service_request_id_list_overrides_the_other_filters(client, world):
    # given three reports, one of them resolved
    a, b, c = file_on_web(world), file_on_web(world), resolve(world, file_on_web(world))
    # when asking for two by id, with a status filter that would exclude one
    url = LIST.format(fmt="json") + f"&service_request_id={a.reference},{c.reference}&status=open"
    data = check_json(client.get(url), SERVICE_REQUESTS)
    # then exactly those two come back
    assert {r["service_request_id"] for r in data} == {a.reference, c.reference}
    assert b.reference not in {r["service_request_id"] for r in data}


def test_service_code_filter(client, world):
    # given a pothole report and a street-light report
    pothole = file_on_web(world)
    light = cases.submit_request(
        service=service("eclairage-public-en-panne"), person=world.alice, channel="web",
        actor=Actor.person(world.alice), commune=world.sceaux_commune,
        form_data={"panne": "eteint", "emplacement": {"lat": 48.7766, "lon": 2.2946}},
    )  # fmt: skip
    # when filtering on the street-light service
    url = LIST.format(fmt="json") + "&service_code=eclairage-public-en-panne"
    data = check_json(client.get(url), SERVICE_REQUESTS)
    # then only that one
    assert [r["service_request_id"] for r in data] == [light.reference]
    assert pothole.reference not in str(data)


def test_date_range_filters_on_requested_datetime(client, world):
    # given a report received 30 days ago and one today
    old = file_on_web(world, received_at=clock.now() - timedelta(days=30))
    new = file_on_web(world)
    # when asking for the 10 days that ended 20 days ago
    start = (clock.now() - timedelta(days=35)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (clock.now() - timedelta(days=20)).strftime("%Y-%m-%dT%H:%M:%SZ")
    url = LIST.format(fmt="json") + f"&start_date={start}&end_date={end}"
    data = check_json(client.get(url), SERVICE_REQUESTS)
    # then only the old one
    assert [r["service_request_id"] for r in data] == [old.reference]
    assert new.reference not in str(data)


def test_the_default_range_is_the_latest_90_days(client, world):
    # given a report received 100 days ago
    ancient = file_on_web(world, received_at=clock.now() - timedelta(days=100))
    # when listing without dates
    data = check_json(client.get(LIST.format(fmt="json")), SERVICE_REQUESTS)
    # then it is not there
    assert ancient.reference not in [r["service_request_id"] for r in data]


@pytest.mark.parametrize(
    "query",
    [
        "&status=pending",
        "&start_date=yesterday",
        "&start_date=2024-01-01T00:00:00Z&end_date=2024-06-01T00:00:00Z",  # > 90 days
        "&start_date=2024-02-01T00:00:00Z&end_date=2024-01-01T00:00:00Z",
        "&page=0",
        "&page_size=5000",
        "&page=abc",
    ],
)
def test_invalid_filters_are_400s_in_the_spec_format(client, world, query):
    # given a client sending a bad filter
    # when it lists requests
    response = client.get(LIST.format(fmt="json") + query)
    # then 400 with one error, never a 500
    assert response.status_code == 400
    assert check_json(response, ERRORS)[0]["code"] == 400


def test_pagination_pages_through_the_list(client, world):
    # given five reports
    made = [file_on_web(world) for _ in range(5)]
    # when reading pages of two
    pages = [
        check_json(client.get(LIST.format(fmt="json") + f"&page={n}&page_size=2"), SERVICE_REQUESTS)
        for n in (1, 2, 3, 4)
    ]
    # then the pages hold 2, 2, 1 and 0 requests, newest first, each once
    assert [len(p) for p in pages] == [2, 2, 1, 0]
    ids = [r["service_request_id"] for p in pages for r in p]
    assert ids == [r.reference for r in reversed(made)]


def test_extensions_add_answers_history_and_channel(client, world):
    # given a resolved web report
    request = resolve(world, file_on_web(world), note="Réparé.")
    # when Sceaux's application asks for the extensions
    url = f"/open311/v2/requests/{request.reference}.json?extensions=true"
    data = check_json(client.get(url, **keyed(world)), EXTENDED_SERVICE_REQUESTS)
    # then the public answers, the public history and the channel come along
    found = data[0]
    assert {"code": "nature", "name": "Nature du problème", "value": "nid_de_poule"} in found[
        "attributes"
    ]
    assert [n["type"] for n in found["notes"]] == ["submitted", "status_changed", "status_changed"]
    assert found["notes"][-1]["description"] == "Réparé."
    assert found["extended_attributes"]["channel"] == "web"
    # and without the extensions the strict spec fields only
    check_json(client.get(f"/open311/v2/requests/{request.reference}.json"), SERVICE_REQUESTS)


def test_media_url_points_to_the_first_photo(client, world):
    # given a report filed with a photo
    request = file_on_web(world, photo=True)
    # when Sceaux's application reads it
    data = check_json(
        client.get(f"/open311/v2/requests/{request.reference}.json", **keyed(world)),
        SERVICE_REQUESTS,
    )
    # then media_url is an absolute URL serving the image to that key
    media_url = data[0]["media_url"]
    assert media_url == f"http://testserver/open311/v2/requests/{request.reference}/media"
    image = client.get(media_url, **keyed(world))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")


def test_a_request_without_photo_has_no_media_url(client, world):
    # given a report without photo
    request = file_on_web(world)
    # when read
    data = check_json(
        client.get(f"/open311/v2/requests/{request.reference}.json"), SERVICE_REQUESTS
    )
    # then media_url is null and the media address is a 404
    assert data[0]["media_url"] is None
    assert client.get(f"/open311/v2/requests/{request.reference}/media").status_code == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_single_request_by_reference_is_forgiving_and_unknown_is_404(client, world, fmt):
    # given a report
    request = file_on_web(world)
    # when read by its reference typed in lower case, then by an unknown one
    found = client.get(f"/open311/v2/requests/{request.reference.lower()}.{fmt}")
    missing = client.get(f"/open311/v2/requests/AAAA-BBBB-CC.{fmt}")
    # then the first is found and the second is the spec's 404
    assert found.status_code == 200
    assert missing.status_code == 404
    if fmt == "json":
        assert check_json(found, SERVICE_REQUESTS)[0]["service_request_id"] == request.reference
        check_json(missing, ERRORS)
    else:
        assert check_xml(found, "service_requests").findtext("request/service_request_id") == (
            request.reference
        )
        check_xml(missing, "errors")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_token_is_the_reference_itself(client, world, fmt):
    # given a report (created synchronously: its token is its reference)
    request = file_on_web(world)
    # when a client redeems the token
    response = client.get(f"/open311/v2/tokens/{request.reference}.{fmt}?jurisdiction_id=sceaux")
    # then it gets the service_request_id and the token back
    assert response.status_code == 200
    if fmt == "json":
        assert check_json(response, TOKEN) == [
            {"service_request_id": request.reference, "token": request.reference}
        ]
    else:
        record = xml_record(check_xml(response, "service_requests")[0])
        assert record == {"service_request_id": request.reference, "token": request.reference}
    assert client.get(f"/open311/v2/tokens/nope.{fmt}").status_code == 404


def test_requests_of_procedures_are_never_listed(client, world):
    # given a birth certificate request (a procedure, not an Open311 service) in Sceaux
    birth = cases.submit_request(
        service=service("acte-de-naissance"), person=world.alice, channel="web",
        actor=Actor.person(world.alice), commune=world.sceaux_commune,
        form_data={
            "type_acte": "copie_integrale", "qualite": "titulaire", "nom": "Martin",
            "prenoms": "Alice", "date_naissance": "1990-04-12", "nombre": 1,
            "adresse_envoi": "3 rue Houdan, 92330 Sceaux",
        },
    )  # fmt: skip
    # when a client lists Sceaux's requests or asks for it by reference
    listed = check_json(client.get(LIST.format(fmt="json")), SERVICE_REQUESTS)
    single = client.get(f"/open311/v2/requests/{birth.reference}.json")
    # then it is nowhere
    assert birth.reference not in [r["service_request_id"] for r in listed]
    assert single.status_code == 404


def test_agency_responsible_follows_a_hand_off(client, world):
    # given a report handed off from Sceaux to its EPT
    request = cases.hand_off(
        request=file_on_web(world), to_authority=world.ept, reason="Compétence de l'EPT.",
        actor=Actor.agent(world.manager_sceaux),
    )  # fmt: skip
    # when read
    data = check_json(
        client.get(f"/open311/v2/requests/{request.reference}.json"), SERVICE_REQUESTS
    )
    # then the EPT is responsible now, and the request is listed under its jurisdiction only
    assert data[0]["agency_responsible"] == world.ept.name
    ept_list = check_json(
        client.get("/open311/v2/requests.json?jurisdiction_id=vallee-sud"), SERVICE_REQUESTS
    )
    assert request.reference in [r["service_request_id"] for r in ept_list]
    sceaux_list = check_json(client.get(LIST.format(fmt="json")), SERVICE_REQUESTS)
    assert request.reference not in [r["service_request_id"] for r in sceaux_list]


def test_listing_costs_the_same_queries_for_3_or_12_requests(
    client, world, django_assert_max_num_queries
):
    # given 3 resolved reports with photos
    for _ in range(3):
        resolve(world, file_on_web(world, photo=True))
    with django_assert_max_num_queries(12) as few:
        client.get(LIST.format(fmt="json") + "&extensions=true")
    # when 9 more are filed and the list is read again
    for _ in range(9):
        resolve(world, file_on_web(world, photo=True))
    # then the number of queries does not grow with the list
    with django_assert_max_num_queries(len(few.captured_queries)):
        data = check_json(
            client.get(LIST.format(fmt="json") + "&extensions=true"), EXTENDED_SERVICE_REQUESTS
        )
    assert len(data) == 12
