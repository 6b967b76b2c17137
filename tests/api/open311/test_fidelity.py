"""What an Open311 client sends is what it reads back; address-only reports; one text limit."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guichet.api import keys
from guichet.cases.models import Request
from guichet.catalogue.validation import FormValidationError, validate_submission

from .factories import SCEAUX_POINT, SYSTEM, keyed, service
from .schemas import CREATED, ERRORS, SERVICE_REQUESTS, check_json, check_xml, xml_record

POTHOLE = {"service_code": "signalement-voirie", "attribute[nature]": "nid_de_poule"}
TREE = {"service_code": "arbre-dangereux", "attribute[situation]": "branche_tombee"}

# Texts as people write them: accents, emoji, inner runs of spaces, CRLF and LF line breaks.
texts = (
    st.lists(
        st.one_of(
            # U+FFFD is left out: the input middleware takes it for bytes that were not UTF-8
            st.characters(exclude_categories=("Cc", "Cs"), exclude_characters="\ufffd"),
            st.sampled_from(["\r\n", "\n", "  ", "é", "🌳"]),
        ),
        min_size=1,
        max_size=60,
    )
    .map("".join)
    .filter(lambda t: t.strip())
)


def post(client, world, fmt="json", **fields):
    data = {"api_key": world.sceaux_key, "jurisdiction_id": "sceaux"} | fields
    return client.post(f"/open311/v2/requests.{fmt}", data)


def read_back(client, world, reference: str, fmt: str = "json") -> dict:
    """The request as Sceaux's own application reads it (with its key: the full view)."""
    url = f"/open311/v2/requests/{reference}.{fmt}"
    if fmt == "xml":
        return xml_record(check_xml(client.get(url, **keyed(world)), "service_requests")[0])
    return check_json(client.get(url, **keyed(world)), SERVICE_REQUESTS)[0]


def stored(text: str) -> str:
    """The one normalisation (docs/api.md): NFC, ends stripped."""
    return unicodedata.normalize("NFC", text).strip()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    description=texts,
    address=texts.map(lambda t: t.replace("\r", " ").replace("\n", " ")).filter(
        lambda t: len(t.strip()) >= 3
    ),
)
def test_description_and_address_read_back_as_sent(client, world, description, address):
    # given a report with free texts
    response = post(
        client, world, **POTHOLE, **SCEAUX_POINT, description=description, address_string=address
    )
    assert response.status_code == 201, response.content
    reference = check_json(response, CREATED)[0]["service_request_id"]
    # when it is read back in JSON and XML, then both texts are what was sent
    for fmt in ("json", "xml"):
        found = read_back(client, world, reference, fmt)
        assert found["description"] == stored(description)
        assert found["address"] == stored(address)


def test_crlf_inner_spaces_and_emoji_are_kept(client, world):
    # given texts a client would send as is
    description = "Branche   tombée\r\nsur le trottoir 🌳\n\nmerci"
    response = post(
        client, world, **POTHOLE, **SCEAUX_POINT, description=f"  {description}\r\n",
        address_string="12  rue Houdan,\t92330 Sceaux",
    )  # fmt: skip
    # then the request keeps them, only the ends stripped
    request = Request.objects.get(reference=response.json()[0]["service_request_id"])
    assert request.form_data["description"] == description
    assert request.address == "12  rue Houdan,\t92330 Sceaux"
    assert request.form_data["adresse"] == "12  rue Houdan,\t92330 Sceaux"


def test_a_form_without_long_text_keeps_the_description_and_reads_it_back(client, world):
    # given the dangerous tree service, whose form has no free-text field
    # when a client reports with a description
    response = post(client, world, **TREE, **SCEAUX_POINT, description="Grosse branche\r\ncassée")
    assert response.status_code == 201, response.content
    reference = response.json()[0]["service_request_id"]
    # then the description is kept (and shown to agents as the answer « description »)
    request = Request.objects.get(reference=reference)
    assert request.form_data["description"] == "Grosse branche\r\ncassée"
    assert request.summary == "Grosse branche cassée"
    # and read back as sent, not replaced by the service's name
    assert read_back(client, world, reference)["description"] == "Grosse branche\r\ncassée"


def test_a_report_without_description_reads_back_without_one(client, world):
    response = post(client, world, **TREE, **SCEAUX_POINT)
    found = read_back(client, world, response.json()[0]["service_request_id"])
    assert found["description"] is None
    assert found["service_name"] == service("arbre-dangereux").name


@pytest.mark.parametrize("extra", [TREE, POTHOLE], ids=["arbre", "voirie"])
def test_an_address_alone_places_a_service_that_asks_for_a_map_point(client, world, extra):
    # given services whose form requires a map point
    # when a client sends only an address with its postcode
    response = post(client, world, **extra, address_string="2 rue Houdan, 92330 Sceaux")
    # then the report is filed in the commune of that postcode, without a made-up point
    assert response.status_code == 201, response.content
    request = Request.objects.get(reference=response.json()[0]["service_request_id"])
    assert request.commune == world.sceaux_commune
    assert (request.latitude, request.longitude) == (None, None)
    assert "emplacement" not in request.form_data
    found = read_back(client, world, request.reference)
    assert (found["lat"], found["long"], found["address"]) == (
        None, None, "2 rue Houdan, 92330 Sceaux",
    )  # fmt: skip


def test_an_address_that_names_no_commune_is_refused_naming_what_the_client_sends(client, world):
    # given the département's key and a road report with an address that places nothing
    raw = keys.issue_key(
        actor=SYSTEM, authority=world.hauts_de_seine, application="Routes", scopes=["write"]
    )[1]
    # when posted
    response = client.post(
        "/open311/v2/requests.json",
        {"api_key": raw, "service_code": "route-departementale",
         "attribute[probleme]": "chaussee", "address_string": "au bord de la route"},
    )  # fmt: skip
    # then 400 naming address_string and lat/long, never the form's « Emplacement »
    assert response.status_code == 400
    description = check_json(response, ERRORS)[0]["description"]
    assert description.startswith("address_string : ") and "lat et long" in description
    assert "Emplacement" not in description


def test_form_errors_name_the_parameters_the_client_sent(client, world):
    # given a pothole report whose attribute and description are wrong
    response = post(
        client, world, service_code="signalement-voirie", **SCEAUX_POINT, description="x" * 2001
    )
    # then each error names the parameter: attribute[nature], description
    descriptions = [e["description"] for e in check_json(response, ERRORS)]
    assert "attribute[nature] : Ce champ est obligatoire." in descriptions
    assert (
        "description : Ce texte doit faire au plus 2000 caractères (il en fait 2001)."
        in descriptions
    )


def form_message(slug: str, name: str, value: str) -> str:
    """What the one validator (the portal's) says about `value` in field `name`."""
    try:
        validate_submission(service(slug).form, {name: value})
    except FormValidationError as refused:
        return refused.errors[name][0]
    return ""


@pytest.mark.parametrize(
    ("slug", "extra", "limit"),
    [
        ("mobilier-urbain", {"attribute[objet]": "banc"}, 4000),
        ("signalement-voirie", POTHOLE, 2000),
    ],
)
def test_the_description_limit_is_the_form_s_with_the_portal_s_message(
    client, world, slug, extra, limit
):
    # given a service whose free-text field has its limit (4000 unless the form sets one)
    base = {**extra, "service_code": slug, **SCEAUX_POINT}
    # when a client sends exactly the limit, then it is filed
    assert post(client, world, **base, description="é" * limit).status_code == 201
    # when one more character, then 400 with the validator's own message (the portal's)
    response = post(client, world, **base, description="é" * (limit + 1))
    assert response.status_code == 400
    expected = form_message(slug, "details" if slug == "mobilier-urbain" else "description",
                            "é" * (limit + 1))  # fmt: skip
    assert expected == f"Ce texte doit faire au plus {limit} caractères (il en fait {limit + 1})."
    assert f"description : {expected}" in [e["description"] for e in response.json()]


def test_a_description_past_the_spec_limit_is_refused_without_a_long_text_field(client, world):
    # given the tree service (no long-text field: the spec's 4000 applies)
    assert post(client, world, **TREE, **SCEAUX_POINT, description="a" * 4000).status_code == 201
    response = post(client, world, **TREE, **SCEAUX_POINT, description="a" * 4001)
    assert response.status_code == 400
    assert check_json(response, ERRORS)[0]["description"] == (
        "description : Ce texte doit faire au plus 4000 caractères (il en fait 4001)."
    )


def test_a_line_break_in_the_address_is_refused_not_joined(client, world):
    response = post(client, world, **POTHOLE, **SCEAUX_POINT, address_string="12 rue\r\nHoudan")
    assert response.status_code == 400
    assert check_json(response, ERRORS)[0]["description"] == (
        "address_string : Ce champ tient sur une ligne : retirez les retours à la ligne."
    )


def test_a_control_character_in_an_attribute_is_refused_naming_it(client, world):
    response = post(client, world, **POTHOLE, **SCEAUX_POINT, **{"attribute[adresse]": "1 rue\x0b"})
    assert response.status_code == 400
    assert check_json(response, ERRORS)[0]["description"].startswith(
        "attribute[adresse] : caractère de contrôle non accepté (U+000B)"
    )
