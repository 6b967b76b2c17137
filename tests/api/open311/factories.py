"""The world the Open311 tests run in: real territory and catalogue, a few authorities, keys."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from guichet.api import keys
from guichet.authorities import actions as authorities
from guichet.authorities.models import Role
from guichet.cases import actions as cases
from guichet.catalogue.actions import load_catalogue, save_service
from guichet.catalogue.models import Category, Service
from guichet.core.journal import Actor
from guichet.core.models import User
from guichet.people import actions as people
from guichet.territory import selectors as territory

SYSTEM = Actor.system("tests")

# A point inside each commune (checked against the shipped boundaries).
SCEAUX_POINT = {"lat": "48.7766", "long": "2.2946"}
TOURS_POINT = {"lat": "47.3936", "long": "0.6892"}

# A test service using every field type the definition maps.
MOBILIER_FORM = [
    {"name": "objet", "label": "Objet", "type": "choice", "required": True,
     "choices": [{"value": "banc", "label": "Banc"}, {"value": "poubelle", "label": "Poubelle"}]},
    {"name": "degats", "label": "Dégâts", "type": "multiple_choice",
     "choices": [{"value": "casse", "label": "Cassé"}, {"value": "tague", "label": "Tagué"}]},
    {"name": "nombre", "label": "Nombre d'objets", "type": "number", "min_value": 1},
    {"name": "constate_le", "label": "Constaté le", "type": "date", "not_in_future": True},
    {"name": "numero", "label": "Numéro de l'objet", "type": "short_text",
     "help_text": "Inscrit sur la plaque."},
    {"name": "emplacement", "label": "Emplacement", "type": "location", "required": True},
    {"name": "adresse", "label": "Adresse", "type": "address"},
    {"name": "courriel", "label": "Courriel", "type": "email"},
    {"name": "dangereux", "label": "Dangereux", "type": "checkbox"},
    {"name": "details", "label": "Détails", "type": "long_text"},
    {"name": "photo", "label": "Photo", "type": "file", "allowed_types": ["png", "jpeg"]},
]  # fmt: skip

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def build_world() -> SimpleNamespace:
    call_command("import_territory", verbosity=0, quiet=True)
    load_catalogue(actor=SYSTEM)
    sceaux, tours = (territory.commune_by_code(c) for c in ("92071", "37261"))
    vallee_sud = next(i for i in territory.intercommunalities_of(sceaux) if i.kind == "EPT")

    def create(kind, name, slug, **links):
        return authorities.create_authority(actor=SYSTEM, kind=kind, name=name, slug=slug, **links)

    w = SimpleNamespace(sceaux_commune=sceaux, tours_commune=tours)
    w.sceaux = create("commune", "Ville de Sceaux", "sceaux", commune=sceaux)
    w.ept = create("intercommunality", vallee_sud.name, "vallee-sud", intercommunality=vallee_sud)
    w.hauts_de_seine = create(
        "departement", "Département des Hauts-de-Seine", "hauts-de-seine",
        departement=sceaux.departement,
    )  # fmt: skip
    w.tours = create("commune", "Ville de Tours", "tours", commune=tours)
    w.manager_sceaux = User.objects.create_user("responsable.sceaux", None, None)
    authorities.add_agent(
        actor=SYSTEM, user=w.manager_sceaux, authority=w.sceaux, role=Role.MANAGER,
        teams=w.sceaux.teams.all(),
    )  # fmt: skip
    w.sceaux_key_row, w.sceaux_key = keys.issue_key(
        actor=SYSTEM, authority=w.sceaux, application="Appli Sceaux", scopes=["read", "write"]
    )
    w.tours_key_row, w.tours_key = keys.issue_key(
        actor=SYSTEM, authority=w.tours, application="Appli Tours", scopes=["read", "write"]
    )
    w.sceaux_read_row, w.sceaux_read_key = keys.issue_key(
        actor=SYSTEM, authority=w.sceaux, application="Lecture seule", scopes=["read"]
    )
    w.mobilier = save_service(
        service=Service(slug="mobilier-urbain"), actor=SYSTEM, name="Mobilier urbain abîmé",
        kind="interactive", category=Category.objects.get(slug="voirie-espace-public"),
        summary="Un banc, une barrière ou une poubelle abîmés.", level="communal",
        channels=["web", "open311"], sla_working_days=10, keywords="banc, barrière, poubelle",
        form_definition=MOBILIER_FORM,
    )  # fmt: skip
    w.alice = people.create_person(
        actor=SYSTEM, first_name="Alice", last_name="Martin", email="alice@exemple.fr"
    )
    return w


def service(slug: str) -> Service:
    return Service.objects.get(slug=slug)


def file_on_web(world, *, commune=None, photo: bool = False, received_at=None, **form: Any):
    """A pothole report filed on the web portal (not through Open311)."""
    commune = commune or world.sceaux_commune
    point = SCEAUX_POINT if commune == world.sceaux_commune else TOURS_POINT
    data = {
        "nature": "nid_de_poule",
        "description": "Un trou profond devant l'école.",
        "emplacement": {"lat": float(point["lat"]), "lon": float(point["long"])},
    } | form
    files = {"photo": SimpleUploadedFile("trou.png", PNG_BYTES, "image/png")} if photo else None
    return cases.submit_request(
        service=service("signalement-voirie"), person=world.alice, channel="web",
        actor=Actor.person(world.alice), form_data=data, files=files, commune=commune,
        received_at=received_at,
    )  # fmt: skip


def resolve(world, request, note: str = "Trou rebouché le matin même."):
    """Take `request` to resolved through the workflow, as Sceaux's manager."""
    actor = Actor.agent(world.manager_sceaux)
    request = cases.change_status(request=request, to="in_progress", actor=actor, role="manager")
    return cases.change_status(
        request=request, to="resolved", actor=actor, role="manager", note=note
    )


def keyed(world, authority: str = "sceaux") -> dict[str, dict[str, str]]:
    """`client.get(url, **keyed(world))`: a GET with the authority's read key (full view)."""
    key = world.sceaux_read_key if authority == "sceaux" else world.tours_key
    return {"headers": {"X-API-Key": key}}
