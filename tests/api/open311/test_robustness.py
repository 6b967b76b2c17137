"""Bad input never gives a 500: fuzzed parameters on every endpoint, in both formats."""

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guichet.cases.models import Request

from .factories import SCEAUX_POINT
from .schemas import ERRORS, check_json, parse_xml

NASTY = st.one_of(
    st.text(max_size=60),
    st.sampled_from([
        "", " ", "\x00", "nan", "inf", "-1e400", "1e999", "9" * 40, "2024-02-30T00:00:00Z",
        "2024-01-01T25:00:00+02:00", "0001-01-01", "9999-12-31T23:59:59Z", "open,,closed",
        "signalement-voirie", "sceaux", "<x/>", "' OR 1=1 --", "A" * 5000, "\ud800".encode(
            "utf-8", "surrogatepass").decode("utf-8", "replace"),
    ]),
)  # fmt: skip
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
GET_PARAMS = ["jurisdiction_id", "service_request_id", "service_code", "start_date", "end_date",
              "status", "page", "page_size", "extensions"]  # fmt: skip
POST_PARAMS = ["service_code", "lat", "long", "address_string", "address_id", "email", "phone",
               "first_name", "last_name", "description", "attribute[nature]",
               "attribute[description]", "attribute[danger]", "jurisdiction_id"]  # fmt: skip


def assert_well_formed(response, fmt: str) -> None:
    assert response.status_code < 500, response.content[:300]
    if fmt == "json":
        assert response["Content-Type"].startswith("application/json"), response.content[:300]
        data = json.loads(response.content)
        if response.status_code >= 400:
            check_json(response, ERRORS)
        assert data is not None
    else:
        parse_xml(response.content)


@FUZZ
@given(
    path=st.sampled_from(["requests", "services", "services/signalement-voirie", "discovery"]),
    fmt=st.sampled_from(["json", "xml"]),
    params=st.dictionaries(st.sampled_from(GET_PARAMS), NASTY, max_size=5),
)
def test_fuzzed_queries_never_crash(client, world, path, fmt, params):
    # given any query string on a read endpoint
    params.setdefault("jurisdiction_id", "sceaux")
    # when a client sends it
    response = client.get(f"/open311/v2/{path}.{fmt}", params)
    # then the answer is a well-formed success or an error in the spec's format
    assert_well_formed(response, fmt)


@FUZZ
@given(
    segment=st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/"),
        min_size=1,
        max_size=40,
    ),
    kind=st.sampled_from(["requests", "tokens", "services"]),
    fmt=st.sampled_from(["json", "xml"]),
)
def test_fuzzed_identifiers_in_paths_never_crash(client, world, segment, kind, fmt):
    # given any identifier in a path
    # when a client reads it
    path = f"/open311/v2/{kind}/{quote(segment, safe='')}.{fmt}"
    response = client.get(path + "?jurisdiction_id=sceaux")
    # then a 404 or a 400 in the spec's format, never a 500
    assert_well_formed(response, fmt)


@FUZZ
@given(
    fields=st.dictionaries(st.sampled_from(POST_PARAMS), NASTY, max_size=8),
    fmt=st.sampled_from(["json", "xml"]),
    with_point=st.booleans(),
)
def test_fuzzed_posts_never_crash(client, world, fields, fmt, with_point):
    # given Sceaux's key and any combination of fields
    data = {"api_key": world.sceaux_key, "service_code": "signalement-voirie"}
    data |= (SCEAUX_POINT if with_point else {}) | fields
    # when the client posts them
    response = client.post(f"/open311/v2/requests.{fmt}", data)
    # then 201, or an error in the spec's format, never a 500
    assert_well_formed(response, fmt)
    assert response.status_code in (201, 400, 403, 404)


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("delete", "/open311/v2/requests.json", 405),
        ("post", "/open311/v2/services.json", 405),
        ("get", "/open311/v2/requests.csv?jurisdiction_id=sceaux", 400),
        ("get", "/open311/v2/nowhere.json", 404),
        ("get", "/open311/v2/requests/ABCD/extra.json", 404),
    ],
)
def test_wrong_methods_formats_and_paths_answer_in_the_error_format(
    client, world, method, url, status
):
    # given a request the API does not serve
    # when a client sends it
    response = getattr(client, method)(url)
    # then the matching status with the spec's error body
    assert response.status_code == status
    if url.split("?")[0].endswith(".json"):
        check_json(response, ERRORS)
    else:
        assert parse_xml(response.content).tag == "errors"


@pytest.mark.parametrize(
    "name", ["first_name", "last_name", "address_string", "description", "email", "phone"]
)
def test_a_control_character_in_a_text_is_refused_naming_the_field(client, world, name):
    # given a report whose text carries a control character (BEL) in one parameter
    data = {
        "api_key": world.sceaux_key, "service_code": "signalement-voirie",
        "attribute[nature]": "nid_de_poule", **SCEAUX_POINT, "email": "jean@exemple.fr",
    }  # fmt: skip
    data[name] = data.get(name, "Texte") + "\x07suite"
    # when posted
    response = client.post("/open311/v2/requests.json", data)
    # then 400 naming the parameter and the character: nothing is silently removed or filed
    assert response.status_code == 400, response.content
    description = check_json(response, ERRORS)[0]["description"]
    assert description.startswith(f"{name} : ") and "U+0007" in description
    assert not Request.objects.filter(channel="open311").exists()


@pytest.mark.parametrize(
    "url",
    [
        "/open311/v2/services.json?jurisdiction_id=sce%00aux",
        "/open311/v2/services/signalement%00voirie.json?jurisdiction_id=sceaux",
        "/open311/v2/requests.json?jurisdiction_id=sceaux&service_code=a%00b",
        "/open311/v2/requests.json?jurisdiction_id=sceaux&service_request_id=%00",
        "/open311/v2/requests.json?jurisdiction_id=sceaux&status=%00",
        "/open311/v2/requests.json?jurisdiction_id=sceaux&start_date=%00",
        "/open311/v2/requests/AB%00CD.json",
        "/open311/v2/tokens/%00.json?jurisdiction_id=%00",
    ],
)
def test_nul_characters_in_queries_and_paths_are_client_errors(client, world, url):
    # given a NUL character in a parameter or a path (PostgreSQL refuses it in queries)
    # when a client sends it
    response = client.get(url)
    # then a plain answer or a spec error, never a 500
    assert response.status_code in (200, 400, 404)
    check_json(response, ERRORS) if response.status_code >= 400 else response.json()
