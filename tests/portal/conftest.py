"""The shipped territory and catalogue, with Sceaux's three authorities on the platform.

Sceaux (92071, postcode 92330): Ville de Sceaux (communal services), Vallée Sud - Grand Paris
(its EPT: intercommunal services), Département des Hauts-de-Seine (departmental services).
"""

from __future__ import annotations

import re
from html import unescape
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from guichet.authorities import actions as authority_actions
from guichet.authorities.models import Authority
from guichet.cases.models import Request
from guichet.catalogue.actions import load_catalogue
from guichet.catalogue.models import Service
from guichet.core.journal import Actor
from guichet.core.models import Event, User
from guichet.people.models import Person
from guichet.territory.models import Commune, Departement, Intercommunality

SYSTEM = Actor.system("tests")
# A point in Sceaux (the Jardin de la Ménagerie) and one in Bourg-la-Reine next door.
IN_SCEAUX = {"lat": "48.7775", "lon": "2.2905"}
IN_BOURG_LA_REINE = {"lat": "48.7800", "lon": "2.3160"}
# The smallest real PNG: a 1×1 transparent pixel.
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def build_world() -> SimpleNamespace:
    """Import the territory and catalogue and put Sceaux's authorities on the platform."""
    call_command("import_territory", verbosity=0, quiet=True)
    load_catalogue(actor=SYSTEM)
    sceaux = Commune.objects.get(code="92071", kind=Commune.Kind.CURRENT)
    ept = sceaux.intercommunalities.get(kind=Intercommunality.Kind.EPT)

    def make(kind, name, slug, **links):
        return authority_actions.create_authority(
            actor=SYSTEM, kind=kind, name=name, slug=slug, **links
        )

    return SimpleNamespace(
        sceaux=sceaux,
        ville=make(Authority.Kind.COMMUNE, "Ville de Sceaux", "ville-de-sceaux", commune=sceaux),
        vallee_sud=make(
            Authority.Kind.INTERCOMMUNALITY, "Vallée Sud - Grand Paris", "vallee-sud",
            intercommunality=ept,
        ),
        hauts_de_seine=make(
            Authority.Kind.DEPARTEMENT, "Département des Hauts-de-Seine", "hauts-de-seine",
            departement=Departement.objects.get(code="92"),
        ),
        voirie=Service.objects.get(slug="signalement-voirie"),
        bac=Service.objects.get(slug="bac-abime-collecte"),
        question=Service.objects.get(slug="question-generale"),
        permis=Service.objects.get(slug="permis-de-construire"),
    )  # fmt: skip


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def agent(world):
    user = User.objects.create_user(username="agent-sceaux", password="motdepasse-test-1234")
    authority_actions.add_agent(actor=SYSTEM, user=user, authority=world.ville, role="case_handler")
    return user


def counts() -> tuple[int, int, int]:
    """Requests, persons and journal events: what a refused submission must not change."""
    return Request.objects.count(), Person.objects.count(), Event.objects.count()


def form_url(service_slug: str, code: str = "92071") -> str:
    return f"/communes/{code}/services/{service_slug}/demande/"


def voirie_post(**changes) -> dict:
    """A valid pothole report from a visitor who is not signed in."""
    data = {
        "nature": "nid_de_poule",
        "emplacement_lat": IN_SCEAUX["lat"],
        "emplacement_lon": IN_SCEAUX["lon"],
        "adresse": "devant le 12 rue Houdan",
        "description": "Un trou profond au milieu de la chaussée.",
        "contact-first_name": "Jeanne",
        "contact-last_name": "Martin",
        "contact-email": "jeanne.martin@example.fr",
        "contact-phone": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def file_request(client, service_slug="signalement-voirie", data=None) -> Request:
    """File a request through the portal and return it (the test fails if it is refused)."""
    response = client.post(form_url(service_slug), data if data is not None else voirie_post())
    assert response.status_code == 302, page_text(response)[:2000]
    reference = response["Location"].split("/")[2]
    return Request.objects.get(reference=reference)


def page_text(response) -> str:
    """The visible text of an HTML response, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()
