"""The agents' second factor: a TOTP device (django-otp) per agent, its QR code (segno).

Enrolment creates an unconfirmed device; the first valid code confirms it (one journal event).
django-otp refuses a code used twice and slows down repeated wrong codes (its throttling).
"""

from __future__ import annotations

import io
from base64 import b32encode

import django_otp
import segno
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from guichet.core import journal
from guichet.core.journal import Actor

DEVICE_NAME = "application d'authentification"


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def unconfirmed_device(user) -> TOTPDevice:
    """The device being enrolled (one per agent, kept until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def verify(device: TOTPDevice, code: str) -> bool:
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == device.digits):
        device.throttle_increment(commit=True)
        return False
    return bool(device.verify_token(code))


@transaction.atomic
def confirm(device: TOTPDevice, code: str, *, by) -> bool:
    """Confirm `device` with a first valid code (account.totp_enrolled); False if wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not verify(device, code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    journal.append(
        kind="account.totp_enrolled",
        actor=Actor.agent(by),
        subject=device.user,
        payload={"device": device.pk},
    )
    return True


def mark_verified(http_request, device: TOTPDevice) -> None:
    """Remember in the session that this sign-in passed the second factor (django-otp)."""
    django_otp.login(http_request, device)


def record_provider_sign_in(user, *, provider: str) -> None:
    journal.append(
        kind="account.proconnect_signed_in",
        actor=Actor.agent(user),
        subject=user,
        payload={"provider": provider},
    )


def secret_text(device: TOTPDevice) -> str:
    """The key as an authenticator app takes it typed in (base 32, in groups of four)."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice, *, account: str) -> str:
    """The otpauth:// address as an inline SVG QR code (no image request, no script)."""
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        buffer, kind="svg", scale=5, xmldecl=False, svgns=True, title=f"QR code pour {account}"
    )
    return buffer.getvalue().decode()


@transaction.atomic
def remove_device(*, actor: Actor, device: TOTPDevice) -> None:
    """Remove an agent's device (lost phone): they enrol again at their next sign-in."""
    user = device.user
    was_confirmed = device.confirmed
    device.delete()
    journal.append(
        kind="account.totp_removed",
        actor=actor,
        subject=user,
        payload={"confirmed": was_confirmed},
    )
