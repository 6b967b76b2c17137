"""Bodies past the limits get 413 in the API's error shape, before they are read."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guichet.cases.models import Request

from .factories import auth, new_request_body

SHAPE = {"detail", "code", "errors"}


def oversized(settings) -> bytes:
    padding = b"a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    return b'{"service": "signalement-voirie", "padding": "' + padding + b'"}'


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("with_key", [False, True])
def test_a_json_body_over_the_limit_is_a_413_in_the_api_shape(
    client, world, settings, debug, with_key
):
    # given a body one byte past DATA_UPLOAD_MAX_MEMORY_SIZE (with DEBUG on, as in the demo)
    settings.DEBUG = debug
    headers = auth(world.sceaux_key) if with_key else {}
    before = Request.objects.count()
    # when it is posted, with or without a key
    response = client.post(
        "/api/v1/requests", oversized(settings), content_type="application/json", **headers
    )
    # then 413 with the API's error shape, in French, and nothing is filed
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == SHAPE
    assert body["code"] == "corps_trop_volumineux"
    assert body["detail"] == "La requête est trop volumineuse : 12 Mo au plus."
    assert body["errors"][0]["field"] == "body"
    assert Request.objects.count() == before


def test_a_body_bigger_than_it_said_is_a_413_too(client, world, settings):
    # given a client whose Content-Length understates its body (read to the limit and cut)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    raw = b'{"x": "' + b"a" * 4096 + b'"}'
    response = client.generic(
        "POST", "/api/v1/requests", raw, content_type="application/json",
        CONTENT_LENGTH="100", **auth(world.sceaux_key),
    )  # fmt: skip
    # then it is refused as a body that is not JSON, never a 500
    assert response.status_code < 500
    assert set(response.json()) == SHAPE


def test_a_multipart_upload_past_the_whole_body_limit_is_a_413(client, world, settings):
    # given a limit on any body (GUICHET_MAX_BODY_SIZE, the proxy's client_max_body_size)
    settings.GUICHET_MAX_BODY_SIZE = 64 * 1024
    reference = client.post(
        "/api/v1/requests", new_request_body(), content_type="application/json",
        **auth(world.sceaux_key),
    ).json()["reference"]  # fmt: skip
    # when a file past it is uploaded
    upload = ("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100 * 1024)
    response = client.post(
        f"/api/v1/requests/{reference}/attachments",
        {"files": SimpleUploadedFile(*upload, content_type="image/png")},
        **auth(world.sceaux_key),
    )
    # then 413 in the API's shape, naming the limit
    assert response.status_code == 413
    assert response.json()["detail"] == "La requête est trop volumineuse : 64 ko au plus."


@pytest.mark.parametrize(
    "path", ["/api/v1/requests/%00", "/api/v1/requests?q=%00", "/api/v1/requests/%C3%28"]
)
def test_nul_and_broken_bytes_in_the_address_are_400s_in_the_api_shape(client, world, path):
    response = client.get(path, **auth(world.sceaux_key))
    assert response.status_code == 400
    body = response.json()
    assert set(body) == SHAPE
    assert body["code"] in {"caractere_interdit", "encodage_invalide"}
    assert body["errors"][0]["field"] in {"path", "query.q"}


def test_invalid_utf_8_in_a_multipart_field_is_refused_not_stored_as_replacement(client, world):
    # given a multipart post whose text field holds Latin-1 bytes, declared as UTF-8
    boundary = "limite"
    raw = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\n'.encode()
        + "près".encode("latin-1")
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = client.generic(
        "POST", "/api/v1/requests", raw,
        content_type=f"multipart/form-data; boundary={boundary}", **auth(world.sceaux_key),
    )  # fmt: skip
    # then 400, naming the field
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "encodage_invalide"
    assert body["errors"][0]["field"] == "body.note"
