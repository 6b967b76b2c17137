"""Uploaded files are served only through the views that check who asks, in every mode."""

import importlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import clear_url_caches

from guichet.cases.actions import send_message
from guichet.cases.models import Attachment
from guichet.core.journal import Actor

from .conftest import file_question

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def development_urls(settings):
    """The URLs as `guichet serve --dev` builds them (DEBUG on when the URLconf is imported)."""
    from guichet.config import urls

    settings.DEBUG = True
    importlib.reload(urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(urls)
    clear_url_caches()


def test_an_attachment_is_not_served_under_media_even_in_development(
    world, signed_in, development_urls
):
    # given a message with a PDF attached on a Sceaux request, stored under MEDIA_ROOT
    case = file_question(world)
    send_message(
        request=case, actor=Actor.agent(world.handler), body="Voici le document.",
        files=[SimpleUploadedFile("arrete.pdf", PDF, content_type="application/pdf")],
    )  # fmt: skip
    attachment = Attachment.objects.get(request=case)
    assert attachment.file.storage.exists(attachment.file.name)
    # when anyone, or even the handling agent, asks for it under /media/
    anonymous = Client().get(f"/media/{attachment.file.name}")
    agent = signed_in(world.handler)
    direct = agent.get(f"/media/{attachment.file.name}")
    # then it is not found, and the access-checked view still gives it to the agent
    assert anonymous.status_code == direct.status_code == 404
    checked = agent.get(f"/agents/pieces/{attachment.pk}/")
    assert checked.status_code == 200 and b"".join(checked.streaming_content) == PDF
