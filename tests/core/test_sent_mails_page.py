"""« Courriels envoyés »: staff read the e-mails kept in development, and nobody else."""

import re

import pytest
from django.test import Client

from guichet.core.journal import Actor
from guichet.core.models import User
from guichet.people.actions import find_or_create_person


@pytest.fixture
def kept_mail(db, settings, tmp_path):
    settings.EMAIL_BACKEND = "guichet.core.mailbox.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.DEBUG = True
    find_or_create_person(actor=Actor.system("tests"), email="jeanne.martin@example.fr")
    assert Client().post("/connexion/", {"email": "jeanne.martin@example.fr"}).status_code == 200


def signed_in(**flags) -> Client:
    client = Client()
    client.force_login(User.objects.create_user(username=f"u{len(flags)}", **flags))
    return client


def test_staff_read_the_sign_in_mail_in_development(kept_mail):
    staff = signed_in(is_staff=True)
    listing = staff.get("/agents/courriels/")
    assert listing.status_code == 200
    assert "Votre lien de connexion à Guichet" in listing.content.decode()
    assert "jeanne.martin@example.fr" in listing.content.decode()
    shown = staff.get("/agents/courriels/", {"n": 1}).content.decode()
    assert re.search(r'href="https?://[^"/]+/connexion/lien/[^"]+/"', shown)


def test_the_page_is_not_found_for_agents_or_outside_development(kept_mail, settings):
    assert signed_in().get("/agents/courriels/").status_code == 404
    staff = signed_in(is_staff=True, is_superuser=True)
    settings.DEBUG = False
    assert staff.get("/agents/courriels/").status_code == 404
