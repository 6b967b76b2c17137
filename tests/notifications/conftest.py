"""The request world (shared with the request tests) and real SMTP / HTTP servers."""

from __future__ import annotations

import pytest

# The request tests' world, so both suites file requests the same way.
from cases.conftest import _module_world, world  # noqa: F401 (fixtures)

from .servers import RecordingGateway, RecordingSmtp


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def smtp_server(settings):
    server = RecordingSmtp().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    settings.EMAIL_TIMEOUT = 10
    yield server
    server.stop()


@pytest.fixture
def sms_gateway(settings):
    gateway = RecordingGateway().start()
    settings.GUICHET_SMS_TRANSPORT = "generic_http"
    settings.GUICHET_SMS_OPTIONS = {
        "url": f"{gateway.url}/sms",
        "auth_header": "Authorization: Bearer s3cret",
    }
    settings.GUICHET_NOTIFICATIONS_RETRY_BASE_SECONDS = 0
    yield gateway
    gateway.stop()
