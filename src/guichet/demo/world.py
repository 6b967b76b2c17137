"""The demo world: real territory, real authorities, demo services, agents and a population.

Everything goes through the apps' actions (one event each), so the demo's journal looks like a
real platform's. Idempotent: building twice leaves one world.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import transaction

from guichet.authorities import actions as authority_actions
from guichet.authorities.models import AgentMembership, Authority, CompetenceAssignment, Role
from guichet.catalogue import actions as catalogue_actions
from guichet.catalogue.models import Service
from guichet.core.journal import Actor
from guichet.demo.agendas import build_agendas
from guichet.demo.population import build_population
from guichet.territory import selectors as territory
from guichet.territory.models import Departement, Intercommunality

DEMO_PASSWORD = "demo-guichet"  # noqa: S105 — printed on purpose: demo accounts only
ADMIN_USERNAME = "admin"

# The communes of the articles: Sceaux and Issy-les-Moulineaux (92), Tours (37), Gien (45).
# INSEE code → (slug, name, slug of the intercommunality that delivers its local services)
DEMO_COMMUNES = {
    "92071": ("sceaux", "Ville de Sceaux", "vallee-sud"),
    "92040": ("issy", "Ville d'Issy-les-Moulineaux", "gpso"),
    "37261": ("tours", "Ville de Tours", "tours-metropole"),
    "45155": ("gien", "Ville de Gien", "giennoises"),
}
# One commune shows its own branding on its pages (guichet/core/theme.py): a made-up logo
# (demo/static/demo/sceaux.svg, not the town's arms) and an accent that reads on white.
DEMO_BRANDING = {"sceaux": {"brand_color": "#7a2e3b", "logo_url": "demo/sceaux.svg"}}
DEMO_DEPARTEMENTS = {
    "92": ("hauts-de-seine", "Département des Hauts-de-Seine"),
    "37": ("indre-et-loire", "Département d'Indre-et-Loire"),
    "45": ("loiret", "Département du Loiret"),
}

TEAMS = {
    Authority.Kind.COMMUNE: [
        ("voirie", "Voirie et espaces publics"),
        ("citoyennete", "État civil et citoyenneté"),
        ("enfance", "Éducation et enfance"),
    ],
    Authority.Kind.INTERCOMMUNALITY: [
        ("dechets", "Prévention et gestion des déchets"),
        ("voirie", "Voirie communautaire"),
    ],
    Authority.Kind.DEPARTEMENT: [
        ("autonomie", "Solidarités — autonomie"),
        ("transports", "Transports scolaires"),
    ],
    Authority.Kind.OPERATOR: [("clients", "Service clients")],
}

# The place-based services (their form asks for a point): "already reported nearby" looks 50 m
# around a new report among the last 30 days', and their reports show on the public map.
PLACE_SERVICES = (
    "signalement-voirie", "eclairage-public-en-panne", "arbre-dangereux", "depot-sauvage",
    "route-departementale",
)  # fmt: skip
NEARBY_RADIUS_M = 50
NEARBY_DAYS = 30

# Authorities whose demo has a designer of services (issue 15).
DESIGNING = ("sceaux",)

AGENT_ROLES = [
    ("accueil", Role.FRONT_DESK),
    ("instructeur", Role.CASE_HANDLER),
    ("responsable", Role.MANAGER),
]


@dataclass
class WorldReport:
    authorities: list[Authority] = field(default_factory=list)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, authority
    persons: int = 0


STEPS = {
    "territory": "Territoire (départements 92, 37, 45)",
    "catalogue": "Catalogue de services",
    "authorities": "Collectivités, équipes et agents",
    "population": "Usagers",
    "history": "Historique des demandes (jours rejoués)",
}


def build_world(*, population: int = 3000, seed: int = 2026, progress=None) -> WorldReport:
    """Build (or complete) the demo world.

    `progress(step, done, total)` is called as each step of STEPS advances.
    """
    tick = progress or (lambda step, done, total: None)
    actor = Actor.system("démonstration")
    report = WorldReport()

    tick("territory", 0, 1)
    call_command("import_territory", verbosity=0)
    tick("territory", 1, 1)
    tick("catalogue", 0, 1)
    catalogue_actions.load_catalogue(actor=actor)
    _place_reports(actor)
    tick("catalogue", 1, 1)
    tick("authorities", 0, 1)
    report.authorities = _authorities(actor)
    report.accounts = _accounts(actor, report.authorities)
    _competences(actor)
    tick("authorities", 1, 1)
    report.persons = build_population(
        count=population, seed=seed, actor=actor, commune_codes=list(DEMO_COMMUNES),
        progress=lambda done, total: tick("population", done, total),
    )  # fmt: skip
    build_agendas(actor, seed=seed)  # after the population: it books some of its people
    return report


def _place_reports(actor: Actor) -> None:
    for service in Service.objects.filter(slug__in=PLACE_SERVICES):
        catalogue_actions.set_reports_settings(
            service=service, actor=actor, nearby_radius_m=NEARBY_RADIUS_M,
            nearby_days=NEARBY_DAYS, public_reports=True,
        )  # fmt: skip


def _authority(actor: Actor, *, slug: str, **fields) -> Authority:
    branding = DEMO_BRANDING.get(slug, {})
    existing = Authority.objects.filter(slug=slug).first()
    if existing is None:
        return authority_actions.create_authority(actor=actor, slug=slug, **fields, **branding)
    if any(getattr(existing, name) != value for name, value in branding.items()):
        # a demo world built before the branding: given it once
        return authority_actions.change_authority(actor=actor, authority=existing, **branding)
    return existing


@transaction.atomic
def _authorities(actor: Actor) -> list[Authority]:
    created: list[Authority] = []
    for code, (slug, name) in DEMO_DEPARTEMENTS.items():
        departement = Departement.objects.get(code=code)
        created.append(
            _authority(
                actor, slug=slug, kind=Authority.Kind.DEPARTEMENT, name=name,
                departement=departement,
            )
        )  # fmt: skip
    for code, (slug, name, group_slug) in DEMO_COMMUNES.items():
        commune = territory.commune_by_code(code)
        created.append(
            _authority(actor, slug=slug, kind=Authority.Kind.COMMUNE, name=name, commune=commune)
        )
        group = _home_intercommunality(commune)
        created.append(
            _authority(
                actor, slug=group_slug, kind=Authority.Kind.INTERCOMMUNALITY,
                name=group.name, intercommunality=group,
            )
        )  # fmt: skip
    created.append(
        _authority(
            actor, slug="vdl-collecte", kind=Authority.Kind.OPERATOR,
            name="Val de Loire Collecte (délégataire)", operator_sector="déchets",
        )
    )  # fmt: skip
    unique = list({authority.pk: authority for authority in created}.values())
    for authority in unique:
        existing = set(authority.teams.values_list("slug", flat=True))
        for team_slug, team_name in TEAMS[authority.kind]:
            if team_slug not in existing:
                authority_actions.create_team(
                    actor=actor, authority=authority, slug=team_slug, name=team_name
                )
    return unique


def _home_intercommunality(commune) -> Intercommunality:
    """The EPT for a Grand Paris commune, its EPCI elsewhere (what delivers local services)."""
    groups = list(territory.intercommunalities_of(commune))
    ept = [group for group in groups if group.kind == Intercommunality.Kind.EPT]
    return (ept or groups)[0]


@transaction.atomic
def _accounts(actor: Actor, authorities: list[Authority]) -> list[tuple[str, str, str]]:
    users = get_user_model()
    accounts = []
    # One hash for every demo account: hashing is deliberately slow (about 0.5 s each).
    password_hash = make_password(DEMO_PASSWORD)
    if not users.objects.filter(username=ADMIN_USERNAME).exists():
        users.objects.create_superuser(ADMIN_USERNAME, "admin@guichet.localhost", DEMO_PASSWORD)
    accounts.append((ADMIN_USERNAME, "administrateur de la plateforme", "toutes"))
    for authority in authorities:
        for prefix, role in AGENT_ROLES:
            username = f"{prefix}.{authority.slug}"
            user = users.objects.filter(username=username).first()
            if user is None:
                user = users.objects.create(
                    username=username, email=f"{username}@guichet.localhost",
                    password=password_hash, first_name=prefix.capitalize(),
                    last_name=authority.name,
                )  # fmt: skip
            if not AgentMembership.objects.filter(user=user, authority=authority).exists():
                authority_actions.add_agent(
                    actor=actor, user=user, authority=authority, role=role,
                    teams=list(authority.teams.all()),
                )  # fmt: skip
            accounts.append((username, Role(role).label, authority.name))
        if authority.slug in DESIGNING:
            accounts.append(_designer(actor, authority, users, password_hash))
    return accounts


def _designer(actor, authority: Authority, users, password_hash: str) -> tuple[str, str, str]:
    """The authority's designer of services (`/agents/concepteur/`), who handles no request."""
    username = f"concepteur.{authority.slug}"
    user = users.objects.filter(username=username).first()
    if user is None:
        user = users.objects.create(
            username=username, email=f"{username}@guichet.localhost", password=password_hash,
            first_name="Concepteur", last_name=authority.name,
        )  # fmt: skip
    if not AgentMembership.objects.filter(user=user, authority=authority).exists():
        authority_actions.add_agent(actor=actor, user=user, authority=authority, role=Role.DESIGNER)
    return username, Role.DESIGNER.label, authority.name


# Competences recorded on the demo territory, as the articles describe them: the metropolis took
# roads and street lighting from Tours, and delegates waste collection to an operator.
TRANSFERS = [
    ("tours", "tours-metropole", ["signalement-voirie", "eclairage-public-en-panne"]),
]
DELEGATIONS = [
    ("tours-metropole", "vdl-collecte", ["bac-abime-collecte", "encombrants"]),
]


@transaction.atomic
def _competences(actor: Actor) -> None:
    for granting_slug, receiving_slug, service_slugs in TRANSFERS:
        granting = Authority.objects.get(slug=granting_slug)
        receiving = Authority.objects.get(slug=receiving_slug)
        for service in Service.objects.filter(slug__in=service_slugs):
            if not _assigned(service, granting, receiving):
                authority_actions.record_transfer(
                    actor=actor, service=service, granting_authority=granting,
                    receiving_authority=receiving, note="Délibération de démonstration",
                )  # fmt: skip
    for granting_slug, operator_slug, service_slugs in DELEGATIONS:
        granting = Authority.objects.get(slug=granting_slug)
        operator = Authority.objects.get(slug=operator_slug)
        for service in Service.objects.filter(slug__in=service_slugs):
            if not _assigned(service, granting, operator):
                authority_actions.record_delegation(
                    actor=actor, service=service, granting_authority=granting,
                    receiving_authority=operator, note="Contrat de DSP de démonstration",
                )  # fmt: skip


def _assigned(service, granting, receiving) -> bool:
    return CompetenceAssignment.objects.filter(
        service=service, granting_authority=granting, receiving_authority=receiving
    ).exists()
