"""The platform's own look on real pages: the operator's name, logo and accent from the
settings, the State's bloc-marque only for a State operator, a commune's branding on its own
service and tracking pages, and the footer's mandatory links to the legal pages."""

from __future__ import annotations

import pytest
from django.test import Client
from support import built_for_the_module, refreshed

from guichet.authorities import actions as authority_actions

from .conftest import SYSTEM, build_world, file_request, page_text

SERVICE_PAGE = "/communes/92071/services/signalement-voirie/"


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, build_world) as world:
        yield world


@pytest.fixture
def world(_module_world, db):
    return refreshed(_module_world)


def header_of(response) -> str:
    html = response.content.decode()
    return html[html.index("<header") : html.index("</header>")]


def test_by_default_no_page_wears_the_states_identity(client, world):
    # given the default settings (a commune or an EPCI operating the platform)
    # when a resident opens the home page and a service page
    for path in ("/", SERVICE_PAGE):
        html = client.get(path).content.decode()
        # then no bloc-marque « République Française », no Marianne favicon, no bleu France
        assert "fr-logo" not in html and "République" not in html, path
        assert "dsfr/dist/favicon" not in html
        assert 'content="#000091"' not in html
        assert "/theme/2d4a66.css" in html, path


def test_the_bloc_marque_shows_only_for_a_state_operator(client, world, settings):
    # given a préfecture operating the platform
    settings.GUICHET_STATE_OPERATOR = True
    # when a page is opened
    response = client.get("/")
    # then the header and the footer carry the bloc-marque
    html = response.content.decode()
    assert '<p class="fr-logo">République<br>Française</p>' in header_of(response)
    assert html.count('class="fr-logo"') == 2


def test_the_operators_name_logo_and_accent_come_from_the_settings(client, world, settings):
    # given a deploying body with its name, logo and accent colour
    settings.GUICHET_OPERATOR_NAME = "Communauté d'agglomération du Val"
    settings.GUICHET_OPERATOR_LOGO = "demo/sceaux.svg"
    settings.GUICHET_ACCENT_COLOUR = "#5b2a86"
    # when a page is opened
    response = client.get("/")
    html = response.content.decode()
    # then the header shows its logo named by its name, the page links its accent's stylesheet
    assert (
        '<img class="guichet-brand-logo" src="/static/demo/sceaux.svg" '
        'alt="Communauté d&#x27;agglomération du Val">' in header_of(response)
    )
    assert '<link rel="stylesheet" href="/theme/5b2a86.css">' in html
    assert '<meta name="theme-color" content="#5b2a86">' in html
    # and the footer names it too
    assert "Communauté d&#x27;agglomération du Val — Guichet" in html


def test_a_communes_service_and_tracking_pages_wear_its_branding(world):
    # given Sceaux's logo and accent colour
    authority_actions.change_authority(
        actor=SYSTEM, authority=world.ville, brand_color="#7a2e3b", logo_url="demo/sceaux.svg"
    )
    resident = Client()
    # when a resident opens one of its services, files a request and follows it
    service = resident.get(SERVICE_PAGE)
    filed = file_request(resident)
    tracking = resident.get(f"/suivi/{filed.reference}?cle={filed.tracking_secret}", follow=True)
    # then both pages show Sceaux's logo and use its accent
    for response in (service, tracking):
        assert response.status_code == 200
        assert 'src="/static/demo/sceaux.svg" alt="Ville de Sceaux"' in header_of(response)
        assert "/theme/7a2e3b.css" in response.content.decode()
    # while the catalogue, about no one authority, keeps the platform's
    catalogue = resident.get("/services/").content.decode()
    assert "/theme/7a2e3b.css" not in catalogue and "sceaux.svg" not in catalogue


def test_the_footer_links_the_mandatory_pages(client, world, settings):
    # given an accessibility level not yet audited (the default)
    # when any page is opened
    text = page_text(client.get("/"))
    # then its footer states it and links the legal pages
    assert "Accessibilité : non conforme" in text
    assert "Mentions légales" in text and "Données personnelles et cookies" in text
    # and a partial audit changes the statement
    settings.GUICHET_ACCESSIBILITY_LEVEL = "partiellement"
    assert "Accessibilité : partiellement conforme" in page_text(client.get("/"))


def test_the_legal_pages_are_written_from_the_settings(client, world, settings):
    # given the deploying body's details
    settings.GUICHET_OPERATOR_NAME = "Ville de Sceaux"
    settings.GUICHET_OPERATOR_ADDRESS = "122 rue Houdan, 92330 Sceaux"
    settings.GUICHET_OPERATOR_CONTACT_EMAIL = "contact@exemple.fr"
    settings.GUICHET_PUBLICATION_DIRECTOR = "le maire"
    settings.GUICHET_HOST_NAME = "Hébergeur Exemple SAS"
    settings.GUICHET_HOST_ADDRESS = "1 rue du Serveur, 75000 Paris"
    # when a visitor reads them
    accessibility = page_text(client.get("/accessibilite/"))
    notice = page_text(client.get("/mentions-legales/"))
    privacy = page_text(client.get("/donnees-personnelles/"))
    # then they name the body, its contact and its host, in French
    assert "Ce site est non conforme" in accessibility
    assert "Défenseur des droits" in accessibility and "contact@exemple.fr" in accessibility
    assert "édité par Ville de Sceaux, 122 rue Houdan, 92330 Sceaux" in notice
    assert "Directeur ou directrice de la publication : le maire" in notice
    assert "hébergé par Hébergeur Exemple SAS, 1 rue du Serveur, 75000 Paris" in notice
    # and the cookies are said to be strictly necessary, which is why no banner asks consent
    assert "strictement nécessaires" in privacy and "guichet_suivi" in privacy
    assert "contact@exemple.fr" in privacy


def test_the_legal_pages_are_public_and_cacheable(client, world):
    for path in ("/accessibilite/", "/mentions-legales/", "/donnees-personnelles/"):
        response = client.get(path)
        assert response.status_code == 200
        assert "no-store" not in response.get("Cache-Control", ""), path
