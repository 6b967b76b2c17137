"""The world the request tests run in, and helpers to file and move requests through actions."""

from __future__ import annotations

from itertools import count
from types import SimpleNamespace
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from guichet.authorities import actions as authorities
from guichet.authorities.models import Authority, Role
from guichet.cases import actions
from guichet.cases.workflow import DEFAULT_WORKFLOW
from guichet.catalogue.actions import load_catalogue
from guichet.catalogue.models import Service
from guichet.core.journal import Actor
from guichet.core.models import User
from guichet.people import actions as people
from guichet.people.models import Verification
from guichet.territory import selectors as territory

SYSTEM = Actor.system("tests")
_serial = count(1)

# A point inside each commune (checked against the shipped boundaries).
POINTS = {
    "92071": {"lat": 48.7766, "lon": 2.2946},  # Sceaux, near the town hall
    "37261": {"lat": 47.3936, "lon": 0.6892},  # Tours, place Jean-Jaurès
    "45155": {"lat": 47.6889, "lon": 2.6306},  # Gien
}

# Valid answers for the services the tests file, keyed by service slug.
FORMS: dict[str, dict[str, Any]] = {
    "signalement-voirie": {"nature": "nid_de_poule", "description": "Un trou profond."},
    "eclairage-public-en-panne": {"panne": "eteint"},
    "arbre-dangereux": {"situation": "branche_tombee", "bloque_passage": True},
    "rendez-vous-passeport-cni": {
        "titre": "cni",
        "numero_predemande": "AB12CD34EF",
        "personnes": 1,
        "date_souhaitee": "2099-01-15",
        "telephone": "0612345678",
        "courriel": "alice@exemple.fr",
    },
    "route-departementale": {"probleme": "chaussee", "route": "D 910"},
    "encombrants": {
        "adresse": "3 rue Houdan",
        "objets": ["meubles"],
        "liste_objets": "Un canapé trois places.",
        "volume_m3": 1,
        "telephone": "06 12 34 56 78",
        "engagement": True,
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
LOCATED = {
    "signalement-voirie",
    "eclairage-public-en-panne",
    "route-departementale",
    "arbre-dangereux",
}


def user(username: str, **extra: Any) -> User:
    return User.objects.create_user(username, f"{username}@exemple.fr", None, **extra)


def agent(username: str, authority: Authority, role: str = Role.CASE_HANDLER) -> User:
    account = user(username)
    authorities.add_agent(
        actor=SYSTEM, user=account, authority=authority, role=role, teams=authority.teams.all()
    )
    return account


def person(first_name: str, last_name: str, *, email=None, phone=None, commune=None, **extra):
    return people.create_person(
        actor=SYSTEM, first_name=first_name, last_name=last_name, email=email, phone=phone,
        commune=commune, verification=Verification.EMAIL_VERIFIED if email else Verification.DECLARED, **extra,
    )  # fmt: skip


def build_world() -> SimpleNamespace:
    """Import the shipped territory and catalogue, then put the test authorities on it."""
    call_command("import_territory", verbosity=0, quiet=True)
    load_catalogue(actor=SYSTEM)
    sceaux, tours, gien = (territory.commune_by_code(c) for c in ("92071", "37261", "45155"))
    vallee_sud = next(i for i in territory.intercommunalities_of(sceaux) if i.kind == "EPT")
    tours_metro = territory.intercommunalities_of(tours)[0]

    def create(kind, name, slug, **links):
        return authorities.create_authority(actor=SYSTEM, kind=kind, name=name, slug=slug, **links)

    w = SimpleNamespace(sceaux_commune=sceaux, tours_commune=tours, gien_commune=gien)
    w.sceaux = create("commune", "Ville de Sceaux", "sceaux", commune=sceaux)
    w.ept = create("intercommunality", vallee_sud.name, "vallee-sud", intercommunality=vallee_sud)
    w.hauts_de_seine = create(
        "departement", "Département des Hauts-de-Seine", "hauts-de-seine",
        departement=sceaux.departement,
    )  # fmt: skip
    w.tours = create("commune", "Ville de Tours", "tours", commune=tours)
    w.metropole = create(
        "intercommunality", tours_metro.name, "tours-metropole", intercommunality=tours_metro
    )
    w.indre_et_loire = create(
        "departement", "Département d'Indre-et-Loire", "indre-et-loire",
        departement=tours.departement,
    )  # fmt: skip
    w.gien = create("commune", "Ville de Gien", "gien", commune=gien)
    w.operator = create(
        "operator", "Val de Loire Collecte", "val-de-loire-collecte", operator_sector="déchets"
    )
    w.sceaux_voirie = authorities.create_team(
        actor=SYSTEM, authority=w.sceaux, name="Voirie", slug="voirie"
    )
    w.agent_sceaux = agent("instructeur.sceaux", w.sceaux)
    w.manager_sceaux = agent("responsable.sceaux", w.sceaux, Role.MANAGER)
    w.front_desk_sceaux = agent("accueil.sceaux", w.sceaux, Role.FRONT_DESK)
    w.agent_ept = agent("instructeur.vallee-sud", w.ept)
    w.agent_tours = agent("instructeur.tours", w.tours)
    w.agent_metropole = agent("instructeur.tours-metropole", w.metropole)
    w.agent_departement = agent("instructeur.indre-et-loire", w.indre_et_loire)
    w.alice = person(
        "Alice", "Martin", email="alice@exemple.fr", phone="06 12 34 56 78", commune=sceaux
    )
    w.bob = person("Bob", "Durand", email="bob@exemple.fr", commune=tours)
    return w


def service(slug: str) -> Service:
    return Service.objects.get(slug=slug)


def form_for(slug: str, commune_code: str = "92071", **overrides: Any) -> dict[str, Any]:
    data = dict(FORMS[slug])
    if slug in LOCATED:
        data["emplacement"] = POINTS.get(commune_code, POINTS["92071"])
    return data | overrides


def file_request(
    world: SimpleNamespace,
    slug: str = "signalement-voirie",
    *,
    person=None,
    commune=None,
    channel: str = "web",
    **extra: Any,
):
    """File a valid request through `submit_request` (web by default, in Sceaux)."""
    commune = commune or world.sceaux_commune
    return actions.submit_request(
        service=service(slug),
        person=person or world.alice,
        channel=channel,
        actor=Actor.person(person or world.alice),
        form_data=extra.pop("form_data", None) or form_for(slug, commune.code),
        commune=commune,
        **extra,
    )


def path_to(target: str) -> list[tuple[str, str, str]]:
    """A shortest sequence of (target, role, note) moves from `received` to `target`."""
    frontier: list[tuple[str, list[tuple[str, str, str]]]] = [("received", [])]
    seen = {"received"}
    while frontier:
        state, moves = frontier.pop(0)
        if state == target:
            return moves
        for transition in DEFAULT_WORKFLOW.transitions:
            if transition.source == state and transition.target not in seen:
                seen.add(transition.target)
                note = "Motif." if transition.comment_required else ""
                frontier.append(
                    (transition.target, [*moves, (transition.target, transition.min_role, note)])
                )
    raise AssertionError(f"{target} unreachable")


def actor_for(world: SimpleNamespace, role: str, request) -> Actor:
    if role == "person":
        return Actor.person(request.person)
    if role == "system":
        return SYSTEM
    return Actor.agent(world.manager_sceaux)


def bring_to(world: SimpleNamespace, request, target: str):
    """Move `request` to `target` along the default workflow, through `change_status`."""
    for state, role, note in path_to(target):
        request = actions.change_status(
            request=request, to=state, actor=actor_for(world, role, request), role=role, note=note
        )
    return request


# Minimal valid files, recognised by their first bytes.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def pdf(name: str = "courrier.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def fake_pdf(name: str = "courrier.pdf") -> SimpleUploadedFile:
    """An executable renamed .pdf and announced as a PDF: refused by its content."""
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 300, content_type="application/pdf")


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_serial)}"
