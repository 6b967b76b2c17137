"""A small territory built by hand, with some of its authorities on the platform.

département "Val de Test" (region Centre-Test)
  CA "Agglo du Val"  ⊇ Amboise, Bléré (commune nouvelle ⊇ commune déléguée Ancien-Bourg),
                       Chenonceaux (not on the platform)
département "Seine-Test"
  MGP "Métropole du Grand Test" and EPT "Vallée Test" ⊇ Sceaux-Test
"""

from types import SimpleNamespace

import pytest
from django.utils.text import slugify

from guichet.authorities import actions
from guichet.authorities.models import Authority
from guichet.catalogue.models import Level
from guichet.core.journal import Actor
from guichet.territory.models import Intercommunality

from .factories import (
    CommuneFactory,
    DelegatedCommuneFactory,
    DepartementFactory,
    IntercommunalityFactory,
    RegionFactory,
    ServiceFactory,
    UserFactory,
)

SYSTEM = Actor.system("tests")


@pytest.fixture
def land(db):
    region = RegionFactory(code="99", name="Centre-Test")
    val = DepartementFactory(code="98", name="Val de Test", region=region)
    seine = DepartementFactory(code="97", name="Seine-Test", region=region)
    agglo = IntercommunalityFactory(
        name="Agglo du Val", kind=Intercommunality.Kind.CA, siren="200000172"
    )
    mgp = IntercommunalityFactory(
        name="Métropole du Grand Test", kind=Intercommunality.Kind.METRO, siren="200054781"
    )
    ept = IntercommunalityFactory(
        name="Vallée Test", kind=Intercommunality.Kind.EPT, siren="200057966"
    )
    amboise = CommuneFactory(
        code="98001", name="Amboise", siren="219200714", departement=val, member_of=[agglo]
    )
    blere = CommuneFactory(code="98002", name="Bléré", departement=val, member_of=[agglo])
    ancien_bourg = DelegatedCommuneFactory(name="Ancien-Bourg", parent=blere)
    chenonceaux = CommuneFactory(
        code="98003", name="Chenonceaux", departement=val, member_of=[agglo]
    )
    sceaux = CommuneFactory(
        code="97001", name="Sceaux-Test", departement=seine, member_of=[mgp, ept]
    )
    return SimpleNamespace(**locals())


@pytest.fixture
def services(db):
    return SimpleNamespace(
        civil_status=ServiceFactory(
            slug="etat-civil", name="Acte d'état civil", level=Level.COMMUNAL
        ),
        waste=ServiceFactory(
            slug="collecte-dechets", name="Collecte des déchets", level=Level.INTERCOMMUNAL
        ),
        social=ServiceFactory(slug="aide-sociale", name="Aide sociale", level=Level.DEPARTMENTAL),
    )


def make(kind, name, **links):
    return actions.create_authority(actor=SYSTEM, kind=kind, name=name, slug=slugify(name), **links)


@pytest.fixture
def authorities(land):
    """Amboise, Bléré, the CA, the département "Val de Test" and a waste operator.

    Chenonceaux and everything in Seine-Test are not on the platform.
    """
    return SimpleNamespace(
        amboise=make(Authority.Kind.COMMUNE, "Ville d'Amboise", commune=land.amboise),
        blere=make(Authority.Kind.COMMUNE, "Ville de Bléré", commune=land.blere),
        agglo=make(Authority.Kind.INTERCOMMUNALITY, "Agglo du Val", intercommunality=land.agglo),
        val=make(Authority.Kind.DEPARTEMENT, "Département du Val de Test", departement=land.val),
        operator=make(Authority.Kind.OPERATOR, "Collecte Services", operator_sector="déchets"),
    )


@pytest.fixture
def agent(db):
    return UserFactory(username="agent-test")
