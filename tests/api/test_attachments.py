"""Adding documents to a case through the API: checked by content, scoped, idempotent."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from guichet.cases.models import Attachment
from guichet.core.models import Event

from .factories import auth, file_request

URL = "/api/v1/requests"
# The smallest real PNG: a 1×1 transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def test_an_application_adds_a_photo_that_the_case_then_lists_and_serves(client, world):
    # given a request of Sceaux
    request = file_request(world)
    base = f"{URL}/{request.reference}/attachments"
    # when the application uploads a photo
    response = client.post(base, {"files": [png()]}, **auth(world.sceaux_key))
    # then it is stored, listed, downloadable and journaled as one user-visible event
    assert response.status_code == 201, response.content
    [added] = response.json()
    assert added["content_type"] == "image/png"
    listed = client.get(base, **auth(world.sceaux_key)).json()
    assert [item["id"] for item in listed] == [added["id"]]
    content = client.get(f"{base}/{added['id']}/content", **auth(world.sceaux_key))
    assert b"".join(content.streaming_content) == PNG
    event = Event.objects.get(case_id=request.pk, kind="request.attachments_added")
    assert event.visible_to_person and event.channel == "api"


def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_written(client, world):
    # given a request and a "PDF" that is really text
    request = file_request(world)
    fake = SimpleUploadedFile("courrier.pdf", b"just some text", content_type="application/pdf")
    before = (Attachment.objects.count(), Event.objects.count())
    # when it is uploaded
    response = client.post(
        f"{URL}/{request.reference}/attachments", {"files": [fake]}, **auth(world.sceaux_key)
    )
    # then 422 names the file in French, and nothing changed
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["field"] == "files"
    assert "courrier.pdf" in body["errors"][0]["message"]
    assert (Attachment.objects.count(), Event.objects.count()) == before


def test_a_read_key_or_another_authority_cannot_add_documents(client, world):
    # given a request of Sceaux, a read-only key of Sceaux and a key of another authority
    request = file_request(world)
    base = f"{URL}/{request.reference}/attachments"
    # when they try to upload
    read_only = client.post(base, {"files": [png()]}, **auth(world.sceaux_read_key))
    other = client.post(base, {"files": [png()]}, **auth(world.tours_key))
    # then: forbidden for the read key, not found for the other authority; nothing stored
    assert read_only.status_code == 403
    assert other.status_code == 404
    assert not Attachment.objects.filter(request=request).exists()


def test_a_retried_upload_with_the_same_idempotency_key_stores_the_file_once(client, world):
    # given a request
    request = file_request(world)
    base = f"{URL}/{request.reference}/attachments"
    headers = auth(world.sceaux_key) | {"HTTP_IDEMPOTENCY_KEY": "upload-1"}
    # when the same upload is sent twice with the same key
    first = client.post(base, {"files": [png()]}, **headers)
    second = client.post(base, {"files": [png()]}, **headers)
    # then one attachment exists and both answers are the same
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert Attachment.objects.filter(request=request).count() == 1
