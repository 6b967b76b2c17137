import pytest


@pytest.mark.django_db
def test_portal_home_answers_in_french(client):
    # when a visitor opens the portal
    response = client.get("/")
    # then the page is served in French with the DSFR styles
    assert response.status_code == 200
    assert 'lang="fr"' in response.content.decode()
    assert "dsfr" in response.content.decode()


@pytest.mark.django_db
def test_backoffice_requires_sign_in(client):
    response = client.get("/agents/")
    assert response.status_code == 302
    assert "/agents/connexion/" in response["Location"]


@pytest.mark.browser
def test_portal_home_renders_in_a_real_browser(live_server, page):
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Bienvenue sur Guichet"
    # the DSFR stylesheet is served (whitenoise) and applied, with our typeface, not Marianne
    # (reserved to State services: ADR 0018)
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith(
        '"Atkinson Hyperlegible"'
    )
    assert page.evaluate("getComputedStyle(document.body).marginTop") == "0px"
