"""REST API: what a client files is what it reads back; texts refused, never changed."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guichet.catalogue.models import Service
from guichet.catalogue.validation import FormValidationError, validate_submission

from .factories import auth, new_request_body

URL = "/api/v1/requests"
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
one_line = texts.map(lambda t: t.replace("\r", " ").replace("\n", " ")).filter(
    lambda t: len(t.strip()) >= 3
)


def post(client, world, body):
    return client.post(URL, body, content_type="application/json", **auth(world.sceaux_key))


def stored(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(description=texts, address=one_line)
def test_texts_filed_read_back_as_sent(client, world, description, address):
    # given a pothole filed with free texts in the form and as the address
    body = new_request_body(address=address)
    body["form_data"] = body["form_data"] | {"description": description, "adresse": address}
    response = post(client, world, body)
    assert response.status_code == 201, response.content
    # when it is read back
    found = client.get(f"{URL}/{response.json()['reference']}", **auth(world.sceaux_key)).json()
    # then the texts are what was sent (NFC, ends stripped: nothing else)
    assert found["form_data"]["description"] == stored(description)
    assert found["form_data"]["adresse"] == stored(address)
    assert found["address"] == stored(address)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"address": "12 rue\x07 Houdan"}, "address", "U+0007"),
        ({"address": "12 rue\nHoudan"}, "address", "tient sur une ligne"),
        ({"person": {"email": "c@exemple.fr", "first_name": "Cl\x1baire"}}, "person.first_name",
         "U+001B"),
        ({"person": {"email": "c@exemple.fr", "last_name": "Petit\r\nDurand"}},
         "person.last_name", "tient sur une ligne"),
    ],
)  # fmt: skip
def test_a_control_character_or_a_stray_line_break_is_a_422_naming_the_field(
    client, world, change, field, message
):
    # given a filing whose text carries what the API does not store
    response = post(client, world, new_request_body(**change))
    # then 422 naming the field: nothing is silently removed
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [field]
    assert message in errors[0]["message"]


def test_a_control_character_in_a_form_answer_is_refused_not_removed(client, world):
    body = new_request_body()
    body["form_data"] = body["form_data"] | {"description": "Un trou\x07 profond."}
    response = post(client, world, body)
    assert response.status_code == 422
    assert [(e["field"], e["message"]) for e in response.json()["errors"]] == [
        (
            "form_data",
            "description : caractère de contrôle non accepté (U+0007) : "
            "retirez-le et envoyez de nouveau.",
        )
    ]


def test_the_description_limit_is_the_form_s_with_the_portal_s_message(client, world):
    # given the pothole form, whose description field holds 2000 characters
    form = Service.objects.get(slug="signalement-voirie").form
    limit = next(f for f in form.fields if f.name == "description").max_length
    body = new_request_body()
    # when exactly the limit is sent (line breaks counted once), then it is filed
    text = "a\r\n" * (limit // 2)
    body["form_data"] = body["form_data"] | {"description": text.strip()}
    assert post(client, world, body).status_code == 201
    # when one more character, then 422 with the message the portal gives
    body["form_data"] = body["form_data"] | {"description": "é" * (limit + 1)}
    response = post(client, world, body)
    assert response.status_code == 422
    with pytest.raises(FormValidationError) as portal:
        validate_submission(form, {"nature": "nid_de_poule", "description": "é" * (limit + 1)})
    message = portal.value.errors["description"][0]
    assert message == f"Ce texte doit faire au plus {limit} caractères (il en fait {limit + 1})."
    assert [e["message"] for e in response.json()["errors"]] == [f"Description : {message}"]


def test_the_service_detail_publishes_each_text_field_s_limit(client, world):
    # when a client reads the pothole service
    fields = {
        f["name"]: f
        for f in client.get("/api/v1/services/signalement-voirie", **auth(world.sceaux_key)).json()[
            "form_definition"
        ]
    }
    # then every text field says how long it may be, its own limit or the default
    assert fields["description"]["max_length"] == 2000
    assert fields["adresse"]["max_length"] == 300
    assert "max_length" not in fields["nature"]
