"""The world the API tests run in: the shipped territory and catalogue, two authorities, keys."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.core.management import call_command

from guichet.api.keys import issue_key
from guichet.authorities import actions as authorities
from guichet.authorities.models import Role
from guichet.cases import actions
from guichet.catalogue.actions import load_catalogue
from guichet.catalogue.models import Service
from guichet.core.journal import Actor
from guichet.core.models import User
from guichet.people import actions as people
from guichet.people.models import Verification
from guichet.territory import selectors as territory

SYSTEM = Actor.system("tests")
SCEAUX_POINT = {"lat": 48.7766, "lon": 2.2946}
TOURS_POINT = {"lat": 47.3936, "lon": 0.6892}
POTHOLE = {"nature": "nid_de_poule", "description": "Un trou profond."}


def agent(username: str, authority, role: str = Role.CASE_HANDLER) -> User:
    account = User.objects.create_user(username, f"{username}@exemple.fr", "motdepasse-solide-42")
    authorities.add_agent(
        actor=SYSTEM, user=account, authority=authority, role=role, teams=authority.teams.all()
    )
    return account


def key(authority, *scopes: str, application: str = "appli-test") -> str:
    return issue_key(
        actor=SYSTEM, authority=authority, application=application, scopes=list(scopes)
    )[1]


def build_world() -> SimpleNamespace:
    """Sceaux and Tours on the platform, an agent and API keys for each."""
    call_command("import_territory", verbosity=0, quiet=True)
    load_catalogue(actor=SYSTEM)
    sceaux, tours = (territory.commune_by_code(c) for c in ("92071", "37261"))
    w = SimpleNamespace(sceaux_commune=sceaux, tours_commune=tours)
    w.sceaux = authorities.create_authority(
        actor=SYSTEM, kind="commune", name="Ville de Sceaux", slug="sceaux", commune=sceaux
    )
    w.tours = authorities.create_authority(
        actor=SYSTEM, kind="commune", name="Ville de Tours", slug="tours", commune=tours
    )
    w.agent_sceaux = agent("instructeur.sceaux", w.sceaux)
    w.agent_tours = agent("instructeur.tours", w.tours)
    w.sceaux_key = key(w.sceaux, "read", "write", application="appli-sceaux")
    w.sceaux_read_key = key(w.sceaux, "read", application="lecture-sceaux")
    w.tours_key = key(w.tours, "read", "write", application="appli-tours")
    w.alice = people.create_person(
        actor=SYSTEM, first_name="Alice", last_name="Martin", email="alice@exemple.fr",
        commune=sceaux, verification=Verification.EMAIL_VERIFIED,
    )  # fmt: skip
    w.bob = people.create_person(
        actor=SYSTEM, first_name="Bob", last_name="Durand", email="bob@exemple.fr",
        commune=tours, verification=Verification.EMAIL_VERIFIED,
    )  # fmt: skip
    return w


def file_request(world: SimpleNamespace, *, in_tours: bool = False, **extra: Any):
    """A pothole report filed on the web, in Sceaux (or in Tours)."""
    commune = world.tours_commune if in_tours else world.sceaux_commune
    person = world.bob if in_tours else world.alice
    point = TOURS_POINT if in_tours else SCEAUX_POINT
    return actions.submit_request(
        service=Service.objects.get(slug="signalement-voirie"),
        person=person,
        channel="web",
        actor=Actor.person(person),
        form_data={**POTHOLE, "emplacement": point},
        commune=commune,
        **extra,
    )


def new_request_body(**overrides: Any) -> dict[str, Any]:
    """A valid POST /requests body: a pothole in Sceaux reported for a new person."""
    body = {
        "service": "signalement-voirie",
        "person": {"email": "claire@exemple.fr", "first_name": "Claire", "last_name": "Petit"},
        "form_data": {**POTHOLE, "emplacement": SCEAUX_POINT},
        "commune": "92071",
    }
    return body | overrides


def auth(raw_key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw_key}"}
