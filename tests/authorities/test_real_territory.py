"""The competence map on the real territory shipped with the product (COG subset)."""

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

import guichet.territory
from guichet.authorities import actions
from guichet.authorities.competence import services_at, who_handles
from guichet.authorities.models import Authority
from guichet.catalogue.models import Level
from guichet.territory.models import Commune, Departement, Intercommunality

from .conftest import SYSTEM, make
from .factories import ServiceFactory

TERRITORY = Path(guichet.territory.__file__).parent
if not (
    (TERRITORY / "management" / "commands" / "import_territory.py").exists()
    and (TERRITORY / "data" / "communes.json").exists()
):
    pytest.skip("`guichet import-territory` or its shipped data is absent", allow_module_level=True)

CURRENT = Commune.Kind.CURRENT


def commune(code, kind=CURRENT):
    return Commune.objects.get(code=code, kind=kind)


@pytest.fixture
def real(db):
    """The shipped subset imported, with some of its authorities on the platform."""
    call_command("import_territory", verbosity=0)
    sceaux, tours, gien = commune("92071"), commune("37261"), commune("45155")
    vallee_sud = sceaux.intercommunalities.get(kind=Intercommunality.Kind.EPT)
    return SimpleNamespace(
        sceaux=sceaux,
        issy=commune("92040"),
        tours=tours,
        gien=gien,
        arrabloy=commune("45007", Commune.Kind.ASSOCIATED),
        mgp=sceaux.intercommunalities.get(kind=Intercommunality.Kind.METRO),
        ville_sceaux=make(Authority.Kind.COMMUNE, "Ville de Sceaux", commune=sceaux),
        vallee_sud=make(
            Authority.Kind.INTERCOMMUNALITY, "Vallée Sud - Grand Paris", intercommunality=vallee_sud
        ),
        hauts_de_seine=make(
            Authority.Kind.DEPARTEMENT,
            "Département des Hauts-de-Seine",
            departement=Departement.objects.get(code="92"),
        ),
        ville_tours=make(Authority.Kind.COMMUNE, "Ville de Tours", commune=tours),
        tmvl=make(
            Authority.Kind.INTERCOMMUNALITY,
            "Tours Métropole Val de Loire",
            intercommunality=tours.intercommunalities.get(),
        ),
        ville_gien=make(Authority.Kind.COMMUNE, "Ville de Gien", commune=gien),
        giennoises=make(
            Authority.Kind.INTERCOMMUNALITY,
            "Communauté de communes giennoises",
            intercommunality=gien.intercommunalities.get(),
        ),
        civil_status=ServiceFactory(slug="etat-civil", level=Level.COMMUNAL),
        bulky_waste=ServiceFactory(slug="encombrants", level=Level.INTERCOMMUNAL),
        social=ServiceFactory(slug="aide-sociale", level=Level.DEPARTMENTAL),
        waste=ServiceFactory(slug="collecte-dechets", name="Collecte", level=Level.COMMUNAL),
    )


def test_authorities_take_their_siren_from_the_official_map(real):
    # given the authorities created from the imported territory
    # when reading their SIREN
    # then the INSEE/BANATIC numbers
    assert real.ville_sceaux.siren == "219200714"
    assert real.vallee_sud.siren == "200057966"
    assert real.tmvl.siren == "243700754"


def test_sceaux_is_served_by_its_town_its_ept_and_the_hauts_de_seine(real):
    # given Sceaux, in both Vallée Sud - Grand Paris and the Métropole du Grand Paris
    # when asking who handles each level
    # then the town, the EPT (not the MGP) and the département
    assert who_handles(real.civil_status, real.sceaux).authority == real.ville_sceaux
    assert who_handles(real.bulky_waste, real.sceaux).authority == real.vallee_sud
    assert who_handles(real.social, real.sceaux).authority == real.hauts_de_seine


def test_issy_is_not_on_the_platform_but_its_departement_is(real):
    # given Issy-les-Moulineaux and its EPT GPSO not on the platform
    # when asking who handles each level
    communal = who_handles(real.civil_status, real.issy)
    intercommunal = who_handles(real.bulky_waste, real.issy)
    # then nobody online at the first two levels, each named; the Hauts-de-Seine at the third
    assert communal.authority is None
    assert "par la commune d'Issy-les-Moulineaux" in communal.reason
    assert intercommunal.authority is None
    assert "Grand Paris Seine Ouest" in intercommunal.reason
    assert who_handles(real.social, real.issy).authority == real.hauts_de_seine


def test_gien_and_its_associated_commune_arrabloy_are_served_by_gien(real):
    # given Arrabloy, a commune associée of Gien
    # when asking who handles communal and intercommunal services there
    # then Gien and the CC Giennoises
    assert who_handles(real.civil_status, real.arrabloy).authority == real.ville_gien
    assert who_handles(real.bulky_waste, real.arrabloy).authority == real.giennoises
    # and the Loiret, not on the platform, is named for departmental services
    assert "Loiret" in who_handles(real.social, real.arrabloy).reason


def test_waste_collection_transferred_from_the_communes_to_their_epci(real):
    # given Tours and Gien transferring waste collection to their EPCI
    for town, epci in [(real.ville_tours, real.tmvl), (real.ville_gien, real.giennoises)]:
        actions.record_transfer(
            actor=SYSTEM,
            service=real.waste,
            granting_authority=town,
            receiving_authority=epci,
            note="arrêté préfectoral",
        )
    # when asking who collects waste in Tours, Gien and Arrabloy; and in Sceaux (no transfer)
    # then the EPCI in the first three; the town in Sceaux
    tours = who_handles(real.waste, real.tours)
    assert (tours.authority, tours.via, tours.default_authority) == (
        real.tmvl,
        "transfer",
        real.ville_tours,
    )
    assert who_handles(real.waste, real.gien).authority == real.giennoises
    assert who_handles(real.waste, real.arrabloy).authority == real.giennoises
    assert who_handles(real.waste, real.sceaux).authority == real.ville_sceaux


def test_a_transfer_to_an_epci_the_commune_does_not_belong_to_is_refused(real):
    # given Tours and the CC Giennoises
    # when Tours transfers waste collection to the CC
    # then refused: the CC does not cover Tours
    with pytest.raises(ValidationError, match="ne couvre pas Tours"):
        actions.record_transfer(
            actor=SYSTEM,
            service=real.waste,
            granting_authority=real.ville_tours,
            receiving_authority=real.giennoises,
        )


def test_a_waste_operator_acts_for_the_cc_giennoises(real):
    # given Gien's waste collection transferred to the CC, which delegates it to an operator
    operator = make(Authority.Kind.OPERATOR, "Collecte Val de Loire", operator_sector="déchets")
    actions.record_transfer(
        actor=SYSTEM,
        service=real.waste,
        granting_authority=real.ville_gien,
        receiving_authority=real.giennoises,
    )
    actions.record_delegation(
        actor=SYSTEM,
        service=real.waste,
        granting_authority=real.giennoises,
        receiving_authority=operator,
    )
    # when asking who collects waste in Gien
    competence = who_handles(real.waste, real.gien)
    # then the operator, for the CC
    assert (competence.authority, competence.acts_for) == (operator, real.giennoises)
    assert competence.via == "delegation"


def test_services_at_tours_lists_what_tours_offers_online(real):
    # given Tours and its métropole on the platform, Indre-et-Loire not
    # when listing the services available at Tours
    offered = {service.slug: c.authority for service, c in services_at(real.tours)}
    # then the communal and intercommunal ones, not the departmental one
    assert offered == {
        "etat-civil": real.ville_tours,
        "encombrants": real.tmvl,
        "collecte-dechets": real.ville_tours,
    }
