"""A small world: Sceaux (3 requests) and Issy (1 request), their managers and a front desk.

Requests are filed and handled through the real actions at frozen dates in March 2024.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from support import built_for_the_module

from guichet.authorities import actions as authorities
from guichet.authorities.models import Role
from guichet.cases import actions
from guichet.catalogue.actions import load_catalogue
from guichet.catalogue.models import Service
from guichet.core.clock import frozen_at
from guichet.core.journal import Actor
from guichet.core.models import User
from guichet.people import actions as people
from guichet.territory import selectors as territory

SYSTEM = Actor.system("tests")
MONDAY = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)
QUESTION = {
    "sujet": "Horaires de la mairie",
    "message": "Quels sont les horaires d'ouverture le samedi ?",
    "reponse_par": "courriel",
    "courriel": "alice@exemple.fr",
}


def at(days: float):
    return frozen_at(MONDAY + timedelta(days=days))


def agent(username: str, authority, role: str) -> User:
    user = User.objects.create_user(username, f"{username}@exemple.fr", "x")
    authorities.add_agent(actor=SYSTEM, user=user, authority=authority, role=role)
    return user


def file_question(w, person, commune, day: float, channel: str = "web"):
    with at(day):
        return actions.submit_request(
            service=Service.objects.get(slug="question-generale"), person=person,
            channel=channel, actor=Actor.person(person), form_data=dict(QUESTION),
            commune=commune, filed_by=w.front if channel != "web" else None,
        )  # fmt: skip


def move(w, request, day: float, to: str, note: str = "Motif."):
    with at(day):
        return actions.change_status(
            request=request, to=to, actor=Actor.agent(w.manager), role="manager", note=note
        )


def build_world() -> SimpleNamespace:
    call_command("import_territory", verbosity=0, quiet=True)
    load_catalogue(actor=SYSTEM)
    w = SimpleNamespace(
        sceaux_commune=territory.commune_by_code("92071"),
        issy_commune=territory.commune_by_code("92040"),
    )
    w.sceaux = authorities.create_authority(
        actor=SYSTEM, kind="commune", name="Ville de Sceaux", slug="sceaux",
        commune=w.sceaux_commune,
    )  # fmt: skip
    w.issy = authorities.create_authority(
        actor=SYSTEM, kind="commune", name="Ville d'Issy", slug="issy", commune=w.issy_commune
    )
    w.manager = agent("responsable.sceaux", w.sceaux, Role.MANAGER)
    w.front = agent("accueil.sceaux", w.sceaux, Role.FRONT_DESK)
    w.issy_manager = agent("responsable.issy", w.issy, Role.MANAGER)
    w.alice = people.create_person(
        actor=SYSTEM, first_name="Alice", last_name="Martin", email="alice@exemple.fr",
        commune=w.sceaux_commune,
    )  # fmt: skip
    w.bob = people.create_person(actor=SYSTEM, first_name="Bob", last_name="Durand")
    # Sceaux: a slow web request with two calls and a question to Alice ...
    w.slow = file_question(w, w.alice, w.sceaux_commune, 0)
    for day in (8, 12):
        with at(day):
            actions.record_contact(request=w.slow, channel="phone", actor=Actor.agent(w.front))
    w.slow = move(w, w.slow, 13, "in_progress", "")
    w.slow = move(w, w.slow, 14, "waiting_user", "Merci de préciser.")
    with at(18):
        actions.reply_as_person(request=w.slow, actor=Actor.person(w.alice), body="Voilà.")
    w.slow = move(w, w.slow, 20, "resolved", "Réponse envoyée.")
    # ... a quick one at the counter, and one by Bob still open, a week later.
    w.quick = file_question(w, w.alice, w.sceaux_commune, 1, channel="counter")
    w.quick = move(w, w.quick, 1.1, "in_progress", "")
    w.quick = move(w, w.quick, 1.2, "resolved", "Réponse donnée au guichet.")
    w.open = file_question(w, w.bob, w.sceaux_commune, 7)
    # Issy: one request, by Bob, that Sceaux's managers must never count.
    w.issy_request = file_question(w, w.bob, w.issy_commune, 2)
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
