"""The agents' menu shows what the agent's role may open, and only that.

The menu (backoffice/menu.py) and the pages read the same roles' table (authorities/access.py):
for each role, every entry shown opens (200) and every entry hidden is refused (403), so a
menu entry can neither lie nor hide a page the agent may use.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from support import built_for_the_module, refreshed

from guichet.authorities.models import Role
from guichet.backoffice.menu import ENTRIES
from guichet.core.models import User

from .conftest import agent, build_world

NAV = re.compile(r'<nav class="fr-nav" id="navigation-principale".*?</nav>', re.S)
LINK = re.compile(r'<a class="fr-nav__link" href="([^"]+)"[^>]*>([^<]+)</a>')

EVERYONE = ["File des demandes", "Nouvelle demande", "Agendas"]
MANAGERS = [
    "Retards",
    "Règles d'orientation",
    "Secteurs",
    "Données ouvertes",
    "Tableaux de bord",
    "Satisfaction",
    "Diffusion",
    "Registre des traitements",
]
DESIGNERS = ["Concepteur de démarches"]
BRIEFINGS = ["Notes aux élus"]
CONTRACTS = ["Contrats de délégation"]  # an operator's agents see it too (tests/contracts)
EXPECTED = {
    "front": EVERYONE,
    "handler": EVERYONE,
    "manager": EVERYONE + MANAGERS + BRIEFINGS + CONTRACTS,
    "administrator": EVERYONE + MANAGERS + DESIGNERS + BRIEFINGS + CONTRACTS,
    "superuser": EVERYONE + MANAGERS + DESIGNERS + BRIEFINGS + CONTRACTS,
    "designer": DESIGNERS,  # designs the services, handles no request
    "elected": BRIEFINGS,  # reads the briefings of their remit, sees no request
}


def _build():
    world = build_world()
    world.administrator = agent("administrateur-sceaux", world.sceaux, Role.ADMINISTRATOR)
    world.designer = agent("conceptrice-sceaux", world.sceaux, Role.DESIGNER)
    world.elected = agent("elue-sceaux", world.sceaux, Role.ELECTED)
    world.superuser = User.objects.create_superuser("plateforme", "p@exemple.fr", "x")
    return world


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, _build) as world:
        yield world


@pytest.fixture
def world(_module_world, db):
    return refreshed(_module_world)


def menu_of(client: Client) -> dict[str, str]:
    """The menu's entries on the agent's home page: label → address."""
    html = client.get("/agents/", follow=True).content.decode()  # a designer lands on theirs
    (nav,) = NAV.findall(html)
    return {unescape(label): href for href, label in LINK.findall(nav)}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_each_role_sees_the_entries_it_may_open_and_those_only(world, who):
    # given an agent of Sceaux with this role, signed in
    client = Client()
    client.force_login(getattr(world, who))
    # when they look at the menu
    menu = menu_of(client)
    # then it lists what their role opens, in the menu's order
    assert list(menu) == EXPECTED[who]
    # and every entry shown opens, every entry hidden is refused
    for entry in ENTRIES:
        status = client.get(entry.url).status_code
        if who in ("designer", "elected") and entry.nav == "queue":
            assert status == 302  # to the designer, or the briefings: their home
        elif entry.label in menu or (entry.nav == "contracts" and who in ("front", "handler")):
            # the contracts' list answers every ranked agent (their authorities' contracts,
            # none here); the menu offers it to managers and operators' agents (ADR 0038)
            assert status == 200, (who, entry.label, status)
        else:
            assert status == 403, (who, entry.label, status)


def test_an_instructeur_is_not_offered_the_managers_lists(world):
    # given an instructeur (the case)
    client = Client()
    client.force_login(world.handler)
    # when they read the menu
    menu = menu_of(client)
    # then « Retards » and « Règles d'orientation » are not there
    assert "Retards" not in menu and "Règles d'orientation" not in menu
    assert menu["File des demandes"] == "/agents/"


def test_a_designer_of_services_only_enters_the_designer_alone(world):
    # given a designer of Sceaux's services, who handles no request
    client = Client()
    client.force_login(world.designer)
    # when they open the back office's home, then they land on the designer
    response = client.get("/agents/")
    assert response.status_code == 302 and response["Location"] == "/agents/concepteur/"
    # and the counter's search of people by e-mail, the agendas are refused
    for url in ("/agents/nouvelle-demande/?q=alice%40exemple.fr", "/agents/agendas/"):
        assert client.get(url).status_code == 403, url
