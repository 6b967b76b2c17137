"""Agents' authenticator devices in the administration: listed, never their secret."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice


@pytest.mark.django_db
def test_an_administrator_never_reads_an_agents_totp_secret(admin_client):
    # given an agent's enrolled authenticator
    agent = get_user_model().objects.create_user("agent-totp", "agent@exemple.fr", "x")
    device = TOTPDevice.objects.create(user=agent, name="téléphone", confirmed=True)
    # when an administrator lists the devices, or asks for one's set-up page or QR code
    listing = admin_client.get("/admin/otp_totp/totpdevice/")
    config = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/")
    qrcode = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/")
    missing = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk + 1}/config/")
    # then the device is listed, its secret is refused, and an unknown one is no server error
    assert listing.status_code == 200 and "téléphone" in listing.content.decode()
    assert (config.status_code, qrcode.status_code, missing.status_code) == (403, 403, 403)
    assert device.key not in listing.content.decode()
