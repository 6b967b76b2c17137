"""A real `guichet serve` (gunicorn): following the links of e-mails leaves no secret in its
access log — neither the sign-in token, nor the tracking key, nor an e-mail address."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from django.db import connection
from django.test import Client
from notifications.test_worker_kill import database_url, shared_database

from guichet.core import mailbox
from guichet.notifications import optout

from .conftest import file_request

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(tmp_path, port: int) -> subprocess.Popen:
    env = os.environ | {
        "GUICHET_DATA_DIR": str(tmp_path),
        "EMAIL_BACKEND": "guichet.core.mailbox.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }
    if connection.vendor == "sqlite":
        env.pop("DATABASE_URL", None)  # the copy in GUICHET_DATA_DIR
    else:
        env["DATABASE_URL"] = database_url()
    return subprocess.Popen(
        [sys.executable, "-m", "guichet", "serve", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--access-log", str(tmp_path / "access.log")],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


class Browser:
    """Cookies kept, redirects followed, as a browser does."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.geturl().removeprefix(self.base), response.read().decode()

    def post(self, path: str, page: str, data: dict) -> tuple[str, str]:
        fields = {"csrfmiddlewaretoken": CSRF.search(page)[1], **data}
        body = urllib.parse.urlencode(fields).encode()
        with self.opener.open(self.base + path, data=body, timeout=30) as response:
            return response.geturl().removeprefix(self.base), response.read().decode()


def wait_until_listening(server: subprocess.Popen, browser: Browser) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"guichet serve stopped: {server.stdout.read()}")
        try:
            browser.get("/connexion/")
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("guichet serve did not answer within 60 s")


@pytest.mark.django_db(transaction=True)
def test_the_access_log_of_a_real_server_holds_no_token_secret_or_address(
    world, tmp_path, settings
):
    # given Jeanne's request, committed where a real `guichet serve` reads it
    filed = file_request(Client())
    email = "jeanne.martin@example.fr"
    shared_database(tmp_path)
    port = free_port()
    server = start_server(tmp_path, port)
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    try:
        jeanne = Browser(port)
        wait_until_listening(server, jeanne)
        # when she asks for a sign-in link and follows it from the e-mail
        _, form = jeanne.get("/connexion/")
        jeanne.post("/connexion/", form, {"email": email})
        (sent,) = mailbox.sent_messages()
        link = re.search(r"https?://[^/\s]+(/connexion/lien/(\S+)/)", sent.text())
        landed, confirm = jeanne.get(link[1])
        assert landed == "/connexion/lien/" and email in confirm
        where, requests = jeanne.post(landed, confirm, {})
        assert where == "/mes-demandes/" and filed.reference in requests
        # and someone opens the tracking link of her receipt, and an unsubscribe link
        visitor = Browser(port)
        secret_link = f"/suivi/{filed.reference}?cle={filed.tracking_secret}"
        landed, page = visitor.get(secret_link)
        assert landed == f"/suivi/{filed.reference}" and f"Demande {filed.reference}" in page
        unsubscribe = optout.url_for(filed.person_id).split("://", 1)[1].split("/", 1)[1]
        visitor.get("/" + unsubscribe)
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stdout.close()
    # then the access log has every request, with no token, secret or address in it
    log = (tmp_path / "access.log").read_text()
    assert "GET /connexion/lien/***/ HTTP" in log and f"/suivi/{filed.reference}?cle=***" in log
    assert f"GET /suivi/{filed.reference} " in log and "/notifications/desabonnement/***/" in log
    token = link[2]
    for secret in (token, token[:20], filed.tracking_secret, unsubscribe.split("/")[-2]):
        assert secret not in log
    assert email not in log and "jeanne.martin%40" not in log.lower()
