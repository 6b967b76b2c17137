"""A real territory (the shipped subset), the demo catalogue, two towns and their agents.

Sceaux (92071) and Issy-les-Moulineaux (92040) are on the platform; Antony (92002) is not.
"""

from types import SimpleNamespace

import pytest
from django.core.management import call_command

from guichet.authorities import actions as authorities
from guichet.authorities.models import Authority, Role
from guichet.cases.actions import submit_request
from guichet.catalogue.actions import load_catalogue
from guichet.catalogue.selectors import service_by_slug
from guichet.core.journal import Actor
from guichet.core.models import User
from guichet.people.actions import create_person
from guichet.territory.selectors import commune_by_code

SYSTEM = Actor.system("tests")
QUESTION = {
    "sujet": "Horaires de la mairie",
    "message": "Quels sont les horaires d'ouverture le samedi ?",
    "reponse_par": "courriel",
    "courriel": "claire.martin@example.org",
}


def agent(username: str, authority, role: str, **extra) -> User:
    user = User.objects.create_user(username=username, password="x", **extra)
    authorities.add_agent(actor=SYSTEM, user=user, authority=authority, role=role)
    return user


@pytest.fixture
def world(db):
    return build_world()


def build_world() -> SimpleNamespace:
    """The world of this folder's tests (a module may build it once: support.built_for_the_module)."""
    call_command("import_territory", verbosity=0, quiet=True)
    load_catalogue(actor=SYSTEM)
    sceaux_commune, issy_commune = commune_by_code("92071"), commune_by_code("92040")
    sceaux = authorities.create_authority(
        actor=SYSTEM, kind=Authority.Kind.COMMUNE, name="Ville de Sceaux", slug="sceaux",
        commune=sceaux_commune,
    )  # fmt: skip
    issy = authorities.create_authority(
        actor=SYSTEM, kind=Authority.Kind.COMMUNE, name="Ville d'Issy", slug="issy",
        commune=issy_commune,
    )  # fmt: skip
    voirie = authorities.create_team(actor=SYSTEM, authority=sceaux, name="Voirie")
    return SimpleNamespace(
        sceaux=sceaux,
        issy=issy,
        voirie=voirie,
        sceaux_commune=sceaux_commune,
        issy_commune=issy_commune,
        antony_commune=commune_by_code("92002"),
        question=service_by_slug("question-generale"),
        noise=service_by_slug("bruit-nuisances"),
        handler=agent("instructeur", sceaux, Role.CASE_HANDLER, first_name="Inès"),
        front=agent("accueil", sceaux, Role.FRONT_DESK),
        manager=agent("responsable", sceaux, Role.MANAGER),
        issy_agent=agent("issy", issy, Role.CASE_HANDLER),
        outsider=User.objects.create_user(username="passant", password="x"),
        claire=create_person(
            actor=SYSTEM,
            first_name="Claire",
            last_name="Martin",
            email="claire.martin@example.org",
            phone="0612345678",
        ),  # fmt: skip
        paul=create_person(actor=SYSTEM, first_name="Paul", last_name="Durand"),
    )


def file_question(world, *, commune=None, person=None, sujet="Horaires de la mairie", **extra):
    """A general question filed on the portal by a person (Sceaux by default)."""
    person = person or world.claire
    return submit_request(
        service=world.question, person=person, channel="web", actor=Actor.person(person),
        form_data=QUESTION | {"sujet": sujet}, commune=commune or world.sceaux_commune, **extra,
    )  # fmt: skip


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
