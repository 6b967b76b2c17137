"""The world the satisfaction tests run in, and helpers to bring a request to its survey."""

from __future__ import annotations

from itertools import count
from types import SimpleNamespace

from django.core.management import call_command

from guichet.authorities import actions as authorities
from guichet.authorities.models import Authority, Role
from guichet.cases import actions as cases
from guichet.cases.models import Request
from guichet.catalogue.actions import load_catalogue
from guichet.catalogue.models import Service
from guichet.core.journal import Actor
from guichet.core.models import User
from guichet.people import actions as people
from guichet.people.models import Verification
from guichet.satisfaction.models import Survey
from guichet.territory import selectors as territory

SYSTEM = Actor.system("tests")
SCEAUX_POINT = {"lat": 48.7766, "lon": 2.2946}
FORMS = {
    "signalement-voirie": {
        "nature": "nid_de_poule",
        "description": "Un trou profond.",
        "emplacement": SCEAUX_POINT,
    },
    "bac-abime-collecte": {"probleme": "bac_abime", "type_bac": "tri", "adresse": "3 rue Houdan"},
    "question-generale": {
        "sujet": "Horaires de la mairie",
        "message": "Quels sont les horaires d'ouverture le samedi ?",
        "reponse_par": "courriel",
        "courriel": "alice@exemple.fr",
    },
    "acte-de-naissance": {
        "type_acte": "copie_integrale",
        "qualite": "titulaire",
        "nom": "Martin",
        "prenoms": "Alice",
        "date_naissance": "1990-04-12",
        "nombre": 1,
        "adresse_envoi": "3 rue Houdan, 92330 Sceaux",
    },
}
_serial = count(1)


def agent(username: str, authority: Authority, role: str) -> User:
    account = User.objects.create_user(username, f"{username}@exemple.fr", "motdepasse-test-1234")
    authorities.add_agent(actor=SYSTEM, user=account, authority=authority, role=role)
    return account


def build_world() -> SimpleNamespace:
    call_command("import_territory", verbosity=0, quiet=True)
    load_catalogue(actor=SYSTEM)
    sceaux = territory.commune_by_code("92071")
    ept = next(i for i in territory.intercommunalities_of(sceaux) if i.kind == "EPT")

    def create(kind, name, slug, **links):
        return authorities.create_authority(actor=SYSTEM, kind=kind, name=name, slug=slug, **links)

    w = SimpleNamespace(commune=sceaux)
    w.ville = create("commune", "Ville de Sceaux", "ville-de-sceaux", commune=sceaux)
    w.vallee_sud = create("intercommunality", ept.name, "vallee-sud", intercommunality=ept)
    w.hauts_de_seine = create(
        "departement", "Département des Hauts-de-Seine", "hauts-de-seine",
        departement=sceaux.departement,
    )  # fmt: skip
    w.voirie_team = authorities.create_team(
        actor=SYSTEM, authority=w.ville, name="Voirie", slug="voirie"
    )
    w.handler_ville = agent("instructeur.sceaux", w.ville, Role.CASE_HANDLER)
    w.manager_ville = agent("responsable.sceaux", w.ville, Role.MANAGER)
    w.manager_ept = agent("responsable.vallee-sud", w.vallee_sud, Role.MANAGER)
    w.handler_ept = agent("instructeur.vallee-sud", w.vallee_sud, Role.CASE_HANDLER)
    w.alice = people.create_person(
        actor=SYSTEM, first_name="Alice", last_name="Martin", email="alice@exemple.fr",
        phone=None, commune=sceaux, verification=Verification.EMAIL_VERIFIED,
    )  # fmt: skip
    return w


def service(slug: str) -> Service:
    return Service.objects.get(slug=slug)


def file(world, slug: str = "signalement-voirie", channel: str = "web") -> Request:
    return cases.submit_request(
        service=service(slug), person=world.alice, channel=channel, actor=SYSTEM,
        form_data=dict(FORMS[slug]), commune=world.commune,
        filed_by=None if channel == "web" else world.handler_ville,
    )  # fmt: skip


def handler_for(world, request: Request) -> User:
    return world.handler_ville if request.authority_id == world.ville.pk else world.handler_ept


def resolve(world, after_commit, request: Request) -> Request:
    """Take the request in hand and resolve it as its authority's case handler, then commit."""
    actor = Actor.agent(handler_for(world, request))
    cases.change_status(request=request, to="in_progress", actor=actor, role="case_handler")
    return after_commit(
        cases.change_status, request=request, to="resolved", actor=actor, role="case_handler",
        note="Le trou a été rebouché.",
    )  # fmt: skip


def surveyed(world, after_commit, slug="signalement-voirie", channel="web") -> Survey:
    """A request filed, resolved, and its survey opened by the listener."""
    request = resolve(world, after_commit, file(world, slug, channel))
    return Survey.objects.get(request=request)
