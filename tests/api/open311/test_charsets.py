"""A form post is decoded with the charset it declares, or refused in Open311's format:
never stored with U+FFFD in place of what the client sent."""

from urllib.parse import quote_from_bytes

import pytest

from guichet.cases.models import Request

from .schemas import CREATED, ERRORS, check_json, parse_xml

URL = "/open311/v2/requests.json"


def body(world, description: bytes) -> bytes:
    """A pothole report in Sceaux whose description is the given bytes, percent-encoded."""
    return (
        f"api_key={world.sceaux_key}&jurisdiction_id=sceaux&service_code=signalement-voirie"
        "&attribute[nature]=nid_de_poule&lat=48.7766&long=2.2946&description="
    ).encode() + quote_from_bytes(description).encode()


def post(client, raw: bytes, content_type: str, url: str = URL):
    return client.generic("POST", url, raw, content_type=content_type)


@pytest.mark.parametrize("charset", ["iso-8859-1", "ISO-8859-1", "latin1", "windows-1252"])
def test_a_latin_1_post_is_decoded_with_its_charset(client, world, charset):
    # given a client that encodes its form in Latin-1 and says so, with "é" and "’" (0x92 in
    # windows-1252, which browsers use for every "iso-8859-1" label)
    description = "Trou profond près de l’école".encode("cp1252")
    # when it posts a report
    response = post(
        client, body(world, description), f"application/x-www-form-urlencoded; charset={charset}"
    )
    # then the request is filed with the text as typed
    assert response.status_code == 201, response.content
    reference = check_json(response, CREATED)[0]["service_request_id"]
    stored = Request.objects.get(reference=reference)
    assert stored.form_data["description"] == "Trou profond près de l’école"


def test_utf_8_stays_the_default(client, world):
    description = "Trou profond près de l’école".encode()
    response = post(client, body(world, description), "application/x-www-form-urlencoded")
    assert response.status_code == 201, response.content
    reference = check_json(response, CREATED)[0]["service_request_id"]
    assert Request.objects.get(reference=reference).form_data["description"].endswith("l’école")


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8"],
)
def test_latin_1_bytes_sent_as_utf_8_are_refused_and_nothing_is_filed(client, world, content_type):
    # given a client that sends Latin-1 bytes but declares (or defaults to) UTF-8
    before = Request.objects.count()
    response = post(client, body(world, "près".encode("latin-1")), content_type)
    # then a 400 in Open311's format names the field and the charset, and nothing is filed
    assert response.status_code == 400
    errors = check_json(response, ERRORS)
    assert errors[0]["code"] == 400
    assert "« description »" in errors[0]["description"]
    assert "UTF-8" in errors[0]["description"]
    assert Request.objects.count() == before


def test_an_unknown_charset_is_refused_in_xml_for_an_xml_url(client, world):
    response = post(
        client, body(world, b"abc"), "application/x-www-form-urlencoded; charset=klingon",
        url="/open311/v2/requests.xml",
    )  # fmt: skip
    assert response.status_code == 400
    tree = parse_xml(response.content)
    assert "Jeu de caractères non pris en charge : « klingon »" in tree.findtext(
        "error/description"
    )


def test_a_nul_in_a_posted_field_is_refused(client, world):
    before = Request.objects.count()
    response = post(client, body(world, b"a\x00b"), "application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "caractère nul" in check_json(response, ERRORS)[0]["description"]
    assert Request.objects.count() == before


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_nul_in_the_path_is_a_400_in_the_format_of_the_url(client, world, fmt):
    response = client.get(f"/open311/v2/requests/%00.{fmt}")
    assert response.status_code == 400
    if fmt == "json":
        assert "caractère nul" in check_json(response, ERRORS)[0]["description"]
    else:
        assert "caractère nul" in parse_xml(response.content).findtext("error/description")
