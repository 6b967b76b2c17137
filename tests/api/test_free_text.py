"""POST /requests without a service code: the description is filed under the triage service,
which orients it (ADR 0028); without a description the API's own 422 says what is missing."""

from __future__ import annotations

from guichet.cases.models import Request
from guichet.core.models import Event

from .factories import SCEAUX_POINT, auth, new_request_body

URL = "/api/v1/requests"
TEXT = "Le lampadaire de la rue Houdan clignote toute la nuit."


def body(**overrides):
    base = new_request_body(form_data={}, description=TEXT)
    base.pop("service")
    return base | overrides


def test_a_request_without_service_code_is_filed_for_triage(client, world):
    response = client.post(URL, body(), content_type="application/json", **auth(world.sceaux_key))
    assert response.status_code == 201, response.json()
    filed = response.json()
    assert filed["service"] == "demande-a-qualifier" and filed["authority"] == "Ville de Sceaux"
    request = Request.objects.get(reference=filed["reference"])
    assert request.channel == "api" and request.form_data["description"] == TEXT
    assert any(a["text"] == TEXT for a in filed["answers"])
    assert Event.objects.filter(kind="request.received", case_id=request.pk).count() == 1


def test_without_a_place_it_goes_to_the_keys_authority(client, world):
    response = client.post(
        URL, body(commune=None), content_type="application/json", **auth(world.sceaux_key)
    )
    assert response.status_code == 201, response.json()
    assert response.json()["authority"] == "Ville de Sceaux"
    point = body(commune=None, latitude=SCEAUX_POINT["lat"], longitude=SCEAUX_POINT["lon"])
    located = client.post(URL, point, content_type="application/json", **auth(world.sceaux_key))
    assert located.status_code == 201 and located.json()["commune"] == "92071"


def test_neither_service_nor_description_is_a_422_in_the_apis_shape(client, world):
    before = Request.objects.count()
    response = client.post(
        URL, body(description=None), content_type="application/json", **auth(world.sceaux_key)
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0]["field"] == "service" and "description" in errors[0]["message"]
    control = client.post(
        URL, body(description="a\x07b"), content_type="application/json",
        **auth(world.sceaux_key),
    )  # fmt: skip
    assert control.status_code == 422
    too_long = client.post(
        URL, body(description="x" * 2001), content_type="application/json",
        **auth(world.sceaux_key),
    )  # fmt: skip
    assert too_long.status_code == 422
    assert Request.objects.count() == before


def test_another_authoritys_place_is_refused_as_out_of_competence(client, world):
    response = client.post(URL, body(), content_type="application/json", **auth(world.tours_key))
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Cette demande relève de Ville de Sceaux")
