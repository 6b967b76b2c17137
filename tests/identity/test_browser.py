"""The whole FranceConnect journey in Chromium against the real provider process, and an
agent's second-factor enrolment."""

from __future__ import annotations

import re

import pytest
from browser_checks import audit, screenshot
from cases.factories import SYSTEM, build_world, file_request
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from guichet.authorities import actions as authorities
from guichet.core.models import User
from guichet.people import actions as people

from .conftest import FC_CLAIMS, register_user


@pytest.mark.browser
def test_a_resident_signs_in_with_franceconnect_finds_her_requests_and_signs_out(
    live_server, page, transactional_db, settings, franceconnect
):
    # given a request filed earlier with Angela's e-mail, before she had an account
    world = build_world()
    settings.GUICHET_BASE_URL = live_server.url
    earlier = people.create_person(
        actor=SYSTEM, first_name="Angela", last_name="Dubois", email=FC_CLAIMS["email"]
    )
    filed = file_request(world, person=earlier)
    register_user(franceconnect, "fc-browser", **FC_CLAIMS)
    franceconnect.facade.signing, franceconnect.facade.userinfo = "ES256", "jwt"

    # when she opens the sign-in page, then the official FranceConnect button is there
    page.goto(f"{live_server.url}/connexion/")
    button = page.locator("button.fr-connect")
    assert button.inner_text().split() == ["S’identifier", "avec", "FranceConnect"]
    assert page.locator("text=Qu’est-ce que FranceConnect ?").count() == 1
    audit(page)
    screenshot(page, "franceconnect-1-button")

    # when she presses it, then the provider's own page asks who she is
    button.click()
    page.wait_for_url(f"{franceconnect.issuer}/oauth2/authorize?**")
    page.fill("input[name=sub]", "fc-browser")
    page.click("button:has-text('Authorize')")

    # then she is back, signed in, and « Mes demandes » shows the request filed earlier
    page.wait_for_url("**/mes-demandes/")
    assert page.locator("text=Vous êtes connecté(e) avec FranceConnect.").count() == 1
    assert page.locator(f"text={filed.reference}").count() == 1
    audit(page)
    screenshot(page, "franceconnect-2-my-requests")

    # and « Mon compte » shows the FranceConnect link
    page.click("a:has-text('Mon compte')")
    page.wait_for_url("**/mon-compte/")
    assert page.locator("text=Délier mon compte FranceConnect").count() == 1
    audit(page)
    screenshot(page, "franceconnect-3-account")

    # when she signs out, then through the provider's end-session page she comes back signed out
    page.click("button:has-text('Se déconnecter')")
    page.wait_for_url(f"{franceconnect.issuer}/oauth2/end_session?**")
    assert "id_token_hint=" in page.url and "post_logout_redirect_uri=" in page.url
    page.click("button:has-text('End session')")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("text=Vous êtes déconnecté(e), ici et de FranceConnect.").count() == 1
    assert page.locator("a:has-text('Mon compte')").count() == 0


@pytest.mark.browser
def test_an_agent_enrols_her_authenticator_app_with_the_qr_code(
    live_server, page, transactional_db, settings
):
    settings.GUICHET_AGENT_TOTP = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no growing wait after the wrong code below
    agent = User.objects.create_user("agent.qr", "agent.qr@sceaux.fr", "Mot-de-passe-2026!")
    operator = authorities.create_authority(
        actor=SYSTEM, kind="operator", name="Val de Loire Collecte", slug="vlc",
        operator_sector="déchets",
    )  # fmt: skip
    authorities.add_agent(actor=SYSTEM, user=agent, authority=operator, role="case_handler")
    page.goto(f"{live_server.url}/agents/connexion/")
    page.fill("#id_username", "agent.qr")
    page.fill("#id_password", "Mot-de-passe-2026!")
    page.click("button:has-text('Se connecter')")
    page.wait_for_url("**/agents/double-authentification/")
    assert page.locator("figure.identity-qr svg").count() == 1
    audit(page)
    screenshot(page, "totp-enrolment")
    # a wrong code is refused, in French
    page.fill("#id_code", "12345")
    page.click("button:has-text('Activer')")
    assert page.locator("#code-error").inner_text().startswith("Ce code n'est pas valide")
    audit(page)
    # the code of the app signs her in
    device = TOTPDevice.objects.get(user__username="agent.qr")
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    page.fill("#id_code", f"{token:06d}")
    page.click("button:has-text('Activer')")
    page.wait_for_url(re.compile(r".*/agents/$"))
