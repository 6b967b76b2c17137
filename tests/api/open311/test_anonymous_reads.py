"""Keyless GET of requests: the anonymised view of issue 19, the full view for the key's own."""

from __future__ import annotations

import pytest

from guichet.api import keys
from guichet.cases import actions as cases
from guichet.cases.models import Request
from guichet.core.journal import Actor
from guichet.opendata.anonymise import FINEST, cell_centre, cell_of

from .factories import file_on_web, keyed
from .schemas import ERRORS, EXTENDED_SERVICE_REQUESTS, SERVICE_REQUESTS, check_json, check_xml

LIST = "/open311/v2/requests.{fmt}?jurisdiction_id=sceaux"
# Planted: what must never come out without a key (no apostrophe: XML would not escape it).
NAME = ("Zébulon", "Plantevin")
ADDRESS = "17 rue Houdan, 92330 Sceaux"
DESCRIPTION = "Trou planté devant la maison du voisin Plantevin"
NOTE = "Rebouché chez Zébulon au numéro 17"
POINT = {"lat": "48.776612", "long": "2.294687"}
PLANTED = [*NAME, ADDRESS, "rue Houdan", DESCRIPTION, NOTE, POINT["lat"], POINT["long"], "/media"]


def planted_report(client, world) -> Request:
    """A pothole report through Open311 with a name, an exact point, an address and a text,
    resolved with an agent's note."""
    response = client.post(
        "/open311/v2/requests.json",
        {"api_key": world.sceaux_key, "jurisdiction_id": "sceaux",
         "service_code": "signalement-voirie", "attribute[nature]": "nid_de_poule", **POINT,
         "address_string": ADDRESS, "description": DESCRIPTION, "first_name": NAME[0],
         "last_name": NAME[1], "email": "zebulon@exemple.fr"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    request = Request.objects.get(reference=response.json()[0]["service_request_id"])
    actor = Actor.agent(world.manager_sceaux)
    request = cases.change_status(request=request, to="in_progress", actor=actor, role="manager")
    return cases.change_status(
        request=request, to="resolved", actor=actor, role="manager", note=NOTE
    )


def leaks(body: bytes) -> list[str]:
    return [text for text in PLANTED if text.encode() in body]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("extensions", ["", "&extensions=true"])
def test_a_keyless_list_carries_no_name_address_text_note_photo_or_exact_point(
    client, world, fmt, extensions
):
    # given a planted report and a web report with a photo
    request = planted_report(client, world)
    file_on_web(world, photo=True)
    # when a caller without a key lists Sceaux's requests
    response = client.get(LIST.format(fmt=fmt) + extensions)
    # then the request is listed but nothing planted is in the bytes
    assert response.status_code == 200
    assert request.reference.encode() in response.content
    assert leaks(response.content) == []
    # while the same list with Sceaux's key shows all of them (the name through the free
    # texts that quote it: why free text never goes out without a key)
    full = client.get(LIST.format(fmt=fmt) + extensions, **keyed(world)).content
    assert leaks(full) == PLANTED


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_keyless_single_request_is_the_anonymised_view(client, world, fmt):
    request = planted_report(client, world)
    response = client.get(f"/open311/v2/requests/{request.reference}.{fmt}?extensions=true")
    assert response.status_code == 200
    assert leaks(response.content) == []
    if fmt == "xml":
        check_xml(response, "service_requests")
        return
    found = check_json(response, EXTENDED_SERVICE_REQUESTS)[0]
    # no free text: generic French status note, no description, no address, no answers
    assert found["status_notes"] == "Demande traitée."
    assert (found["description"], found["address"], found["media_url"]) == (None, "", None)
    assert found["attributes"] == []
    assert [n["description"] for n in found["notes"]] == [
        "Demande reçue", "Changement d'état", "Changement d'état",
    ]  # fmt: skip
    # dates truncated to the day (midnight in Paris, with the offset the spec requires)
    assert found["requested_datetime"].endswith(("T00:00:00+01:00", "T00:00:00+02:00"))
    assert all(
        n["datetime"].endswith(("T00:00:00+01:00", "T00:00:00+02:00")) for n in found["notes"]
    )
    # alone in its answer, the point is the centre of the commune's extent
    minx, miny, maxx, maxy = world.sceaux_commune.bbox
    assert (found["lat"], found["long"]) == (
        round((miny + maxy) / 2, 6), round((minx + maxx) / 2, 6),
    )  # fmt: skip
    assert found["zipcode"] == "92330"
    assert found["extended_attributes"]["commune_code"] == "92071"


def test_k_requests_in_one_block_are_placed_at_their_cell_centre(client, world, settings):
    # given k = 3 and three web reports at the same point
    settings.GUICHET_OPENDATA_K = 3
    for _ in range(3):
        file_on_web(world, emplacement={"lat": 48.776612, "lon": 2.294687})
    # when listed without a key
    data = check_json(client.get(LIST.format(fmt="json")), SERVICE_REQUESTS)
    # then each is at the centre of the point's finest H3 cell, never at the point
    expected = cell_centre(cell_of(48.776612, 2.294687, FINEST))
    assert [(r["lat"], r["long"]) for r in data] == [expected] * 3
    assert expected != (48.776612, 2.294687)


def test_another_authority_s_key_gets_the_anonymised_view(client, world):
    request = planted_report(client, world)
    url = f"/open311/v2/requests/{request.reference}.json"
    found = check_json(client.get(url, **keyed(world, "tours")), SERVICE_REQUESTS)[0]
    assert (found["description"], found["address"]) == (None, "")
    assert client.get(f"{url[:-5]}/media", **keyed(world, "tours")).status_code == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_invalid_or_revoked_key_is_a_403_not_the_public_view(client, world, fmt):
    keys.revoke_key(actor=Actor.system("tests"), api_key=world.sceaux_read_row)
    for key in ("nope.nope", world.sceaux_read_key):
        response = client.get(LIST.format(fmt=fmt), headers={"X-API-Key": key})
        assert response.status_code == 403
        if fmt == "json":
            assert "api_key" in check_json(response, ERRORS)[0]["description"]


def test_the_photo_is_served_to_the_request_s_authority_only(client, world):
    request = file_on_web(world, photo=True)
    media = f"/open311/v2/requests/{request.reference}/media"
    assert client.get(media).status_code == 404
    assert client.get(media, **keyed(world)).status_code == 200
