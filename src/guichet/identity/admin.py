"""django-otp's TOTP devices in the admin: seen, never added or edited there; deleting one
(an agent who lost their phone) goes through `totp.remove_device`, journaled, and the agent
enrols again at the next sign-in."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from guichet.core.admin import ThroughActionAdmin
from guichet.core.journal import Actor
from guichet.identity import totp

if admin.site.is_registered(TOTPDevice):
    shipped = type(admin.site.get_model_admin(TOTPDevice))
    admin.site.unregister(TOTPDevice)

    class DeviceAdmin(ThroughActionAdmin[Any], shipped):  # type: ignore[misc,valid-type]
        actions = ()

        def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
            return False

        def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
            return False

        def delete_through_action(self, request: HttpRequest, obj: Any) -> None:
            totp.remove_device(actor=Actor.agent(request.user), device=obj)

    admin.site.register(TOTPDevice, DeviceAdmin)
