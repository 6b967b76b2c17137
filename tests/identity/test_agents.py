"""Agents: ProConnect signs in an existing agent account only; the password sign-in asks for
a TOTP code (django-otp) once enrolled, and enrolment is required when GUICHET_AGENT_TOTP is on."""

from __future__ import annotations

import re
from base64 import b32decode
from html import unescape

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from guichet.core.models import Event, User

from .conftest import consent_at_provider, register_user, start

pytestmark = pytest.mark.django_db
PASSWORD = "Mot-de-passe-2026!"  # noqa: S105


@pytest.fixture
def agent():
    return User.objects.create_user("agent.voirie", "marie.curie@sceaux.fr", PASSWORD)


def code_for(device: TOTPDevice, *, step_offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + step_offset * device.step
    return f"{totp.token():0{device.digits}d}"


def test_proconnect_signs_in_the_agent_with_that_professional_e_mail(client, agent, proconnect):
    # given the ProConnect button on the agents' sign-in page
    assert "S’identifier avec ProConnect" in client.get("/agents/connexion/").content.decode()
    register_user(proconnect, "pc-marie", email="Marie.Curie@sceaux.fr", given_name="Marie")
    # when the agent signs in with ProConnect
    back = consent_at_provider(start(client, "/agents/connexion/proconnect/"), "pc-marie")
    response = client.get(back)
    # then she is signed in to her existing account, and the sign-in is journaled
    assert response.status_code == 302 and response["Location"] == "/agents/"
    assert int(client.session["_auth_user_id"]) == agent.pk
    assert Event.objects.filter(kind="account.proconnect_signed_in", subject_id=agent.pk).exists()
    assert User.objects.count() == 1


def test_proconnect_never_creates_an_account_for_a_stranger(client, agent, proconnect):
    register_user(proconnect, "pc-stranger", email="inconnu@ailleurs.gouv.fr")
    back = consent_at_provider(start(client, "/agents/connexion/proconnect/"), "pc-stranger")
    response = client.get(back)
    page = unescape(response.content.decode())
    assert response.status_code == 403
    assert "Aucun compte agent n'est ouvert ici pour l'adresse inconnu@ailleurs.gouv.fr" in page
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == 1


def test_an_enrolled_agent_needs_a_valid_code_after_the_password(client, agent, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no growing wait after the wrong code below
    # given an agent enrolled in the second factor
    device = TOTPDevice.objects.create(user=agent, name="app", confirmed=True)
    # when she types her password
    response = client.post("/agents/connexion/", {"username": "agent.voirie", "password": PASSWORD})
    # then she is asked for a code, not signed in yet
    assert response["Location"] == "/agents/connexion/code/"
    assert "_auth_user_id" not in client.session
    # and a wrong code is refused, in French
    refused = client.post("/agents/connexion/code/", {"code": code_for(device, step_offset=10)})
    assert refused.status_code == 200
    assert "Ce code n'est pas valide" in unescape(refused.content.decode())
    assert "_auth_user_id" not in client.session
    # and the right one signs her in
    signed = client.post("/agents/connexion/code/", {"code": code_for(device)})
    assert signed.status_code == 302 and signed["Location"] == "/agents/"
    assert int(client.session["_auth_user_id"]) == agent.pk
    # and the same code never serves twice
    client.logout()
    client.post("/agents/connexion/", {"username": "agent.voirie", "password": PASSWORD})
    replayed = client.post("/agents/connexion/code/", {"code": code_for(device)})
    assert "Ce code n'est pas valide" in unescape(replayed.content.decode())
    assert "_auth_user_id" not in client.session


def test_enrolment_is_required_when_the_platform_asks_for_it(client, agent, settings):
    settings.GUICHET_AGENT_TOTP = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    # when an agent without a device types her password
    response = client.post("/agents/connexion/", {"username": "agent.voirie", "password": PASSWORD})
    # then she enrols before being signed in: a QR code (inline SVG) and the key in text
    assert response["Location"] == "/agents/double-authentification/"
    assert "_auth_user_id" not in client.session
    page = client.get("/agents/double-authentification/").content.decode()
    assert "<svg" in page and "QR code" in page
    secret = re.search(r'class="identity-secret">([A-Z2-7 ]+)<', page).group(1)
    device = TOTPDevice.objects.get(user=agent, confirmed=False)
    assert (
        b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
        == device.bin_key
    )
    # when she types a wrong code, then it is refused
    wrong = client.post(
        "/agents/double-authentification/", {"code": code_for(device, step_offset=10)}
    )
    assert "Ce code n'est pas valide" in unescape(wrong.content.decode())
    assert "_auth_user_id" not in client.session
    device.refresh_from_db()
    assert not device.confirmed
    # when she types the code her app shows, then the device is confirmed and she is signed in
    done = client.post("/agents/double-authentification/", {"code": code_for(device)})
    assert done.status_code == 302
    assert int(client.session["_auth_user_id"]) == agent.pk
    device.refresh_from_db()
    assert device.confirmed
    assert Event.objects.filter(kind="account.totp_enrolled", subject_id=agent.pk).count() == 1


def test_without_the_requirement_an_agent_without_device_signs_in_with_the_password(client, agent):
    response = client.post("/agents/connexion/", {"username": "agent.voirie", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/agents/"
    assert int(client.session["_auth_user_id"]) == agent.pk


def test_the_admin_login_asks_for_the_code_too(client, settings):
    admin = User.objects.create_superuser("admin", "admin@exemple.fr", PASSWORD)
    TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD, "next": "/admin/"}
    )
    assert response["Location"] == "/agents/connexion/code/"
    assert "_auth_user_id" not in client.session
