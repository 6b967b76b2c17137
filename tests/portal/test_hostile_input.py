"""Hostile input on the pages: refused in French with 400, 404, 413 or 414, never a 500,
never stored with U+FFFD in place of what was sent."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote_from_bytes, urlencode

import pytest
from django.conf import settings as django_settings

import guichet.catalogue
from guichet.cases.actions._common import LOOSE_FILES
from guichet.cases.models import Request
from guichet.catalogue.formdef import FileField, parse_form_definition

from .conftest import counts, form_url, page_text, voirie_post

SERVICES = Path(guichet.catalogue.__file__).parent / "data" / "services.json"


def urlencoded(data: dict, **raw: bytes) -> bytes:
    """The form as a browser encodes it, with some fields given as raw bytes."""
    return (
        urlencode(data) + "".join(f"&{k}={quote_from_bytes(v)}" for k, v in raw.items())
    ).encode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/communes/%00/", "/satisfaction/%00/", "/rendez-vous/rdv/%00/annuler/", "/suivi/a%00b"],
)
def test_a_nul_in_the_address_is_a_french_400(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert 'lang="fr"' in response.content.decode()
    assert "L'adresse demandée contient un caractère interdit (le caractère nul U+0000)." in (
        page_text(response)
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/communes/%C3%28/", "L'adresse demandée contient des octets qui ne sont pas de l'UTF-8"),
        ("/services/%E2%80%AE/", "caractère interdit (U+202E)"),
        ("/services/?q=%FF", "Le paramètre d'adresse « q » contient des octets"),
        ("/services/?q=a%01b", "Le paramètre d'adresse « q » contient un caractère interdit"),
    ],
)
def test_bytes_and_controls_that_are_not_text_are_refused_in_french(client, url, message):
    response = client.get(url)
    assert response.status_code == 400
    assert message in page_text(response)


@pytest.mark.django_db
def test_an_overlong_address_is_a_414_and_an_id_past_64_bits_a_404(client):
    assert client.get("/communes/" + "a" * 9000 + "/").status_code == 414
    response = client.get("/rendez-vous/lieu/99999999999999999999/mairie/")
    assert response.status_code == 404
    assert "Page introuvable" in page_text(response)


@pytest.mark.django_db
def test_a_form_post_past_the_limit_is_a_french_413_before_it_is_read(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post(
        "/connexion/",
        urlencode({"email": "a" * 2000}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert "La requête est trop volumineuse : 1 ko au plus." in page_text(response)


@pytest.mark.django_db
def test_djangos_own_400_page_is_french(client):
    # a host outside ALLOWED_HOSTS is refused by Django itself (handler400, no request context)
    response = client.get("/", HTTP_HOST="pirate.example")
    assert response.status_code == 400
    assert "Requête refusée" in page_text(response)


def test_latin_1_bytes_in_a_utf_8_form_are_refused_and_nothing_is_written(client, world):
    # given a request form whose description holds Latin-1 bytes, sent as UTF-8 (the default)
    before = counts()
    body = urlencoded(voirie_post(description=None), description="près".encode("latin-1"))
    # when it is posted
    response = client.generic(
        "POST",
        form_url("signalement-voirie"),
        body,
        content_type="application/x-www-form-urlencoded",
    )
    # then a French 400 names the field and the charset, and nothing is written
    assert response.status_code == 400
    assert (
        "Le champ « description » contient des octets qui ne sont pas du texte valide (UTF-8)"
        in page_text(response)
    )
    assert counts() == before
    # and the same in a multipart post
    boundary = "frontiere"
    multipart = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\n'.encode()
        + "près".encode("latin-1")
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = client.generic(
        "POST", form_url("signalement-voirie"), multipart,
        content_type=f"multipart/form-data; boundary={boundary}",
    )  # fmt: skip
    assert response.status_code == 400
    assert "Le champ « description » contient des octets" in page_text(response)
    assert counts() == before


def test_a_form_that_declares_windows_1252_is_decoded_with_it(client, world):
    # given a request form encoded in windows-1252, as a legacy page would send it
    body = urlencoded(
        voirie_post(description=None), description="Trou près de l’école".encode("cp1252")
    )
    # when it is posted with its charset
    response = client.generic(
        "POST", form_url("signalement-voirie"), body,
        content_type="application/x-www-form-urlencoded; charset=windows-1252",
    )  # fmt: skip
    # then it is filed with the text as typed
    assert response.status_code == 302, page_text(response)[:500]
    assert Request.objects.get().form_data["description"] == "Trou près de l’école"


def test_every_shipped_form_fits_in_the_body_limits():
    # the largest legitimate post: the files a form accepts, with its text fields
    limit, text = django_settings.GUICHET_MAX_BODY_SIZE, django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    megabyte = 1024 * 1024
    services = json.loads(SERVICES.read_text())["services"]
    for service in services:
        form = parse_form_definition(service.get("form_definition") or [])
        files = [f for f in form.fields if isinstance(f, FileField)]
        largest = sum(f.max_files * f.max_size_mb * megabyte for f in files)
        assert largest + text <= limit, service["slug"]
    assert LOOSE_FILES.max_files * LOOSE_FILES.max_size_mb * megabyte + text <= limit
    # and one file of the largest size a form may declare
    biggest = FileField.model_fields["max_size_mb"].metadata[-1].le
    assert biggest * megabyte + text <= limit


@pytest.mark.django_db
def test_an_address_no_view_answers_is_a_french_404(client):
    response = client.get("/rendez-vous/rdv/inconnu/changer/")
    assert response.status_code == 404
    assert 'lang="fr"' in response.content.decode()
    assert "Page introuvable" in page_text(response)
