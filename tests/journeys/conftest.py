"""A small world (Sceaux, its town hall, an agent, a resident) built once per module."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.management import call_command
from support import built_for_the_module

from guichet.authorities import actions as authorities
from guichet.authorities.models import Role
from guichet.catalogue.actions import load_catalogue
from guichet.core.journal import Actor
from guichet.core.models import User
from guichet.people import actions as people
from guichet.people.models import Verification
from guichet.territory import selectors as territory

SYSTEM = Actor.system("tests")


def build_world() -> SimpleNamespace:
    call_command("import_territory", verbosity=0, quiet=True)
    load_catalogue(actor=SYSTEM)
    w = SimpleNamespace(sceaux_commune=territory.commune_by_code("92071"))
    w.sceaux = authorities.create_authority(
        actor=SYSTEM,
        kind="commune",
        name="Ville de Sceaux",
        slug="sceaux",
        commune=w.sceaux_commune,
    )
    w.agent = User.objects.create_user("instructeur.sceaux", "i@exemple.fr", None)
    authorities.add_agent(
        actor=SYSTEM,
        user=w.agent,
        authority=w.sceaux,
        role=Role.MANAGER,
        teams=w.sceaux.teams.all(),
    )
    w.alice = people.create_person(
        actor=SYSTEM, first_name="Alice", last_name="Martin", email="alice@exemple.fr",
        commune=w.sceaux_commune, verification=Verification.EMAIL_VERIFIED,
    )  # fmt: skip
    return w


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, build_world) as world:
        yield world


@pytest.fixture
def world(_module_world, db, settings, tmp_path) -> SimpleNamespace:
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    return _module_world
