"""Security headers over HTTP: the Content-Security-Policy and its nonce, Permissions-Policy,
and `Cache-Control: no-store` on agents' and persons' pages only.

The browser side (the pages really run under the policy) is tests/test_csp_browser.py.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from dashboards.conftest import build_world
from django.test import Client
from support import built_for_the_module

from guichet.core.headers import PERMISSIONS_POLICY

SCRIPT_TYPES = {"", "text/javascript", "module"}  # the types a browser runs


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, build_world) as world:
        yield world


@pytest.fixture
def world(_module_world, db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return _module_world


@pytest.fixture
def manager(world, client) -> Client:
    client.force_login(world.manager)
    return client


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response.headers["Content-Security-Policy"]
    return {
        name: sources
        for name, *sources in (part.split() for part in header.split(";") if part.strip())
    }


class InlineCode(HTMLParser):
    """What a page's policy must allow: inline <script>/<style> elements and their nonces,
    style="" attributes and on…="" handlers (never allowed)."""

    def __init__(self) -> None:
        super().__init__()
        self.inline: list[tuple[str, str | None]] = []  # (tag, nonce)
        self.attributes: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in attributes:
            if name == "style" or name.startswith("on"):
                self.attributes.append(f"<{tag} {name}=…>")
        runs = tag == "script" and (attributes.get("type") or "") in SCRIPT_TYPES
        if (runs and "src" not in attributes) or tag == "style":
            self.inline.append((tag, attributes.get("nonce")))


def inline_code(response) -> InlineCode:
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser


def test_every_page_gets_a_policy_that_allows_only_the_sites_own_code(world, client):
    # when anyone opens the portal
    found = policy(client.get("/"))
    # then scripts, styles and everything else come from the site itself, never inline
    assert found["default-src"] == ["'self'"]
    assert found["script-src"] == ["'self'"] and found["style-src"] == ["'self'"]
    assert found["img-src"] == ["'self'", "data:"]
    assert found["object-src"] == ["'none'"] and found["frame-ancestors"] == ["'none'"]
    assert found["base-uri"] == ["'self'"] and found["form-action"] == ["'self'"]
    # and a page that uses no nonce does not announce one
    assert "nonce" not in client.get("/").headers["Content-Security-Policy"]


def test_a_map_tile_server_is_added_to_the_images_by_setting(world, client, settings):
    # given an operator who serves map tiles from another origin
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    tiles = {**directives, "img-src": [*directives["img-src"], "https://tuiles.exemple.fr"]}
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": tiles}
    # then the pages may show its images
    assert policy(client.get("/"))["img-src"] == ["'self'", "data:", "https://tuiles.exemple.fr"]


def test_the_nonce_of_the_header_is_the_one_on_the_pages_inline_styles(manager):
    # when the manager opens the dashboard, whose SVG charts carry their own <style>
    response = manager.get("/agents/tableaux-de-bord/")
    nonces = [s[len("'nonce-") : -1] for s in policy(response)["style-src"] if "nonce" in s]
    # then the header names one nonce, fresh for this response
    assert len(nonces) == 1 and len(nonces[0]) >= 22
    assert (
        nonces[0] not in manager.get("/agents/tableaux-de-bord/").headers["Content-Security-Policy"]
    )
    # and every inline style of the page carries it, and no chart brings a script
    code = inline_code(response)
    assert len(code.inline) == 6
    assert code.inline == [("style", nonces[0])] * 6
    assert code.attributes == []


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/services/",
        "/suivi/",
        "/connexion/",
        "/communes/92071/services/question-generale/demande/",
        "/rendez-vous/",
        "/agents/connexion/",
        "/agents/",
        "/agents/tableaux-de-bord/",
        "/agents/tableaux-de-bord/carte/",
        "/agents/tableaux-de-bord/processus/",
        "/agents/nouvelle-demande/",
        "/agents/agendas/",
        "/agents/retards/",
        "/agents/orientation/",
        "/notifications/diffusion/",
        "/notifications/modeles/",
        "/notifications/apercu/sceaux/receipt/",
        "/satisfaction/scores/",
    ],
)
def test_no_page_holds_code_its_policy_refuses(manager, url):
    # when a page is opened (by the manager, for the agents' pages)
    response = manager.get(url)
    assert response.status_code == 200
    # then it has no style="" or on…="" attribute, and its inline code all carries the nonce
    code = inline_code(response)
    assert code.attributes == []
    header = response.headers["Content-Security-Policy"]
    for _tag, nonce in code.inline:
        assert nonce is not None and f"'nonce-{nonce}'" in header


def test_a_requests_page_draws_its_map_from_a_script_file(world, manager):
    # when the manager opens a request of Sceaux
    response = manager.get(f"/agents/demandes/{world.open.pk}/")
    # then its scripts are files of the site, and its data a JSON block the policy ignores
    page = response.content.decode()
    assert inline_code(response).inline == [] and inline_code(response).attributes == []
    assert re.search(r'<script src="/static/backoffice/maps[^"]*\.js"', page) or (
        'id="carte"' not in page
    )


def test_the_e_mail_preview_is_framed_under_its_own_strict_policy(manager):
    # when the manager previews the receipt e-mail
    page = manager.get("/notifications/apercu/sceaux/receipt/").content.decode()
    # then the e-mail is not inlined in the page (it inherits the page's policy there) but
    # framed from its own address, sandboxed
    frame = re.search(r'<iframe[^>]*src="([^"]+)"[^>]*>', page)
    assert frame and "sandbox" in frame.group(0) and "srcdoc" not in page
    email = manager.get(frame.group(1))
    # which lets the e-mail's style="" attributes apply and nothing else run or load
    assert email.status_code == 200 and 'style="' in email.content.decode()
    found = policy(email)
    assert found["default-src"] == ["'none'"] and found["style-src"] == ["'unsafe-inline'"]
    assert "sandbox" in found and found["frame-ancestors"] == ["'self'"]
    assert "script-src" not in found
    assert email.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_another_authoritys_e_mail_preview_is_not_found(world, client):
    # given the manager of Issy, when they ask for Sceaux's e-mail preview: not found
    client.force_login(world.issy_manager)
    assert client.get("/notifications/apercu/sceaux/receipt/courriel/").status_code == 404


@pytest.mark.parametrize("url", ["/", "/services/", "/agents/connexion/", "/api/v1/docs"])
def test_every_response_says_which_browser_features_the_site_may_use(world, client, url):
    response = client.get(url)
    assert response.headers["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "geolocation=(self)" in PERMISSIONS_POLICY and "camera=()" in PERMISSIONS_POLICY


def no_store(response) -> bool:
    cache_control = {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}
    return "no-store" in cache_control and response.headers.get("Pragma") == "no-cache"


@pytest.mark.parametrize(
    "url",
    [
        "/agents/",
        "/agents/connexion/",
        "/agents/agendas/",
        "/admin/",
        "/admin/login/",
        "/notifications/diffusion/",
        "/satisfaction/scores/",
        "/suivi/",
        "/suivi/AAAA-BBBB-CC",
        "/connexion/",
        "/mes-demandes/",
        "/mon-compte/notifications/",
        "/demandes/AAAA-BBBB-CC/envoyee/",
        "/communes/92071/services/question-generale/demande/",
        "/rendez-vous/rdv/un-secret/",
        "/satisfaction/un-jeton/",
        "/notifications/desabonnement/un-jeton/",
    ],
)
def test_agents_and_persons_pages_are_never_stored(manager, url):
    # when an agent's or a person's page answers (page, redirect or refusal alike)
    response = manager.get(url)
    # then no browser or proxy may keep a copy
    assert no_store(response), (url, response.status_code, response.headers.get("Cache-Control"))


def test_a_form_sent_back_is_never_stored(world, client):
    # when a person posts a form anywhere (here the tracking look-up, answered with its errors)
    response = client.post("/suivi/", {"reference": "", "factor": ""})
    assert response.status_code == 400
    # then the page holding what they typed is not stored
    assert no_store(response)


@pytest.mark.parametrize("url", ["/", "/services/", "/communes/92071/", "/rendez-vous/"])
def test_public_pages_stay_cacheable(world, client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert not no_store(response) and "Pragma" not in response.headers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, server: subprocess.Popen, deadline: float) -> None:
    """Poll until the server accepts connections (it exits early on a start-up error)."""
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"guichet serve stopped: {server.stdout.read()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("guichet serve did not listen within 60 s")


def test_guichet_serve_does_not_name_gunicorn(tmp_path):
    # given `guichet serve` running for real (gunicorn, one worker)
    port = free_port()
    env = {**os.environ, "GUICHET_DATA_DIR": str(tmp_path)}
    server = subprocess.Popen(
        [sys.executable, "-m", "guichet", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--access-log", str(tmp_path / "access.log")],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        wait_for_port(port, server, time.monotonic() + 60)
        # when a browser asks it for a page's stylesheet
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/static/guichet/guichet.css")
        response = connection.getresponse()
        response.read()
        connection.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stdout.close()
    # then it answers, and names neither the server software nor its version
    assert response.status == 200
    assert response.getheader("Server") == "guichet"
    assert "gunicorn" not in str(response.headers).lower()


def documented_production_exports() -> str:
    """The `export` lines of the README's Production section, as an operator types them."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("### Production", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    return "\n".join(line for line in block.splitlines() if line.startswith("export "))


def test_the_deployment_check_is_clean_with_the_documented_production_variables(tmp_path):
    # given the README's production variables and nothing else of ours in the environment
    exports = documented_production_exports()
    assert "GUICHET_ENV=production" in exports and "SECRET_KEY=" in exports
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("GUICHET_", "SECURE_", "DJANGO_", "CSRF_", "SESSION_"))
        and name not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"}
    }
    env["GUICHET_DATA_DIR"] = str(tmp_path)
    # when Django's deployment checks run with them, warnings counting as failures
    check = subprocess.run(
        ["bash", "-c", f'set -e\n{exports}\nexec "$0" -m guichet check --deploy --fail-level WARNING',
         sys.executable],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    # then production is accepted and Django finds nothing to say
    output = check.stdout + check.stderr
    assert check.returncode == 0, output
    assert "System check identified no issues" in output


# E-mails are not pages: their clients need style="" attributes (shown to agents only in the
# preview's frame, under its own policy).
# Never served as pages, so outside the CSP: e-mails (their clients need inline styles) and
# the PDF report's source, which WeasyPrint reads from the server.
E_MAIL_TEMPLATES = {
    "notifications/templates/notifications/email.html",
    "contracts/templates/contracts/briefing_email.html",
    "backoffice/templates/backoffice/contracts/report.html",
}
REFUSED_IN_TEMPLATES = re.compile(
    r"""\sstyle\s*=|\son[a-z]+\s*=\s*["']|<style(?![^>]*nonce=)|<script(?![^>]*\b(src|nonce)=)"""
    r"""(?![^>]*type="application/json")""",
    re.IGNORECASE,
)
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)


def test_no_template_holds_code_the_policy_refuses():
    # given every page template of the product
    root = Path(__file__).resolve().parents[2] / "src" / "guichet"
    templates = [
        path for path in root.rglob("templates/**/*.html")
        if str(path.relative_to(root)) not in E_MAIL_TEMPLATES
    ]  # fmt: skip
    assert len(templates) > 50
    # then none has a style="" or on…="" attribute, an inline <style> or <script> without the
    # request's nonce (a JSON data block is not run, so it needs none)
    found = {
        str(path.relative_to(root)): match.group(0)
        for path in templates
        for match in [
            REFUSED_IN_TEMPLATES.search(TEMPLATE_COMMENT.sub("", path.read_text(encoding="utf-8")))
        ]
        if match
    }
    assert found == {}
