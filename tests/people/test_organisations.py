import pytest

from guichet.core.models import Event
from guichet.people import actions

from .factories import CommuneFactory, PersonFactory, sceaux_siret

pytestmark = pytest.mark.django_db


def test_create_organisation_with_valid_siret_and_members(actor):
    # given a commune and two persons
    sceaux = CommuneFactory(name="Sceaux")
    mayor, clerk = PersonFactory(), PersonFactory()
    # when the town hall is registered with a spaced SIRET
    organisation = actions.create_organisation(
        actor=actor,
        kind="public",
        name="  Mairie de Sceaux ",
        siret="219 200 714 00018",
        commune=sceaux,
        members=[(mayor, "maire"), clerk],
    )
    # then it is stored with its compact SIRET, its members and one event
    assert (organisation.name, organisation.siret) == ("Mairie de Sceaux", "21920071400018")
    assert set(organisation.roles.values_list("person", "role")) == {
        (mayor.pk, "maire"),
        (clerk.pk, ""),
    }
    event = Event.objects.get()
    assert event.kind == "organisation.created"
    assert event.payload["members"] == [mayor.pk, clerk.pk]


def test_create_association_with_rna(actor):
    # when an association is registered with a lowercase RNA
    organisation = actions.create_organisation(
        actor=actor, kind="association", name="Les amis du parc", rna="w921000123"
    )
    # then the RNA is stored in capitals
    assert organisation.rna == "W921000123"


@pytest.mark.parametrize(
    ("siret", "rna", "message"),
    [("21920071400019", "", "SIRET"), ("", "W12", "RNA")],
)
def test_invalid_numbers_are_refused(actor, siret, rna, message):
    # when an organisation is registered with an invalid number
    # then a French error is raised and nothing is written
    with pytest.raises(actions.IdentifierError, match=message):
        actions.create_organisation(
            actor=actor, kind="business", name="Boulangerie", siret=siret, rna=rna
        )
    assert not Event.objects.exists()


def test_a_siret_already_registered_is_refused(actor):
    # given an establishment already registered
    actions.create_organisation(actor=actor, kind="public", name="Mairie", siret=sceaux_siret(1))
    # when it is registered again under another name
    # then a French error names the existing organisation
    with pytest.raises(actions.PeopleError, match="déjà celui de « Mairie »"):
        actions.create_organisation(
            actor=actor, kind="public", name="Hôtel de ville", siret=sceaux_siret(1)
        )
    # while another establishment of the same company is accepted
    actions.create_organisation(
        actor=actor, kind="public", name="Médiathèque", siret=sceaux_siret(2)
    )


def test_unknown_kind_or_blank_name_is_refused(actor):
    # when an organisation has an unknown kind or a blank name
    # then a French error is raised
    with pytest.raises(actions.PeopleError, match="Nature"):
        actions.create_organisation(actor=actor, kind="club", name="X")
    with pytest.raises(actions.PeopleError, match="raison sociale"):
        actions.create_organisation(actor=actor, kind="business", name="  ")
