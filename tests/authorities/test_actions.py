import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from guichet.authorities import actions, events
from guichet.authorities.models import AgentMembership, Authority, CompetenceAssignment, Role
from guichet.core.models import Event

from .conftest import SYSTEM, make
from .factories import CommuneFactory, UserFactory


def kinds_of_events():
    return list(Event.objects.values_list("kind", flat=True))


def test_creating_a_commune_fills_its_siren_and_default_team_with_one_event(land):
    # given Amboise in the territory
    # when putting it on the platform
    authority = actions.create_authority(
        actor=SYSTEM,
        kind=Authority.Kind.COMMUNE,
        name="Ville d'Amboise",
        slug="amboise",
        commune=land.amboise,
        brand_color="#123456",
    )
    # then SIREN from the map, one default team, branding kept, one event
    assert authority.siren == "219200714"
    assert authority.brand_color == "#123456"
    team = authority.teams.get()
    assert (team.name, team.is_default) == ("Accueil et orientation", True)
    assert kinds_of_events() == [events.AUTHORITY_CREATED]


@pytest.mark.parametrize(
    ("kind", "links", "message"),
    [
        (Authority.Kind.COMMUNE, {}, "doit être rattachée à son territoire"),
        (Authority.Kind.INTERCOMMUNALITY, {"commune": "amboise"}, "doit être rattachée"),
        (
            Authority.Kind.DEPARTEMENT,
            {"departement": "val", "commune": "amboise"},
            "ne peut pas être rattachée",
        ),
        (Authority.Kind.OPERATOR, {"intercommunality": "agglo"}, "ne peut pas être rattachée"),
        (Authority.Kind.COMMUNE, {"commune": "ancien_bourg"}, "créez plutôt Bléré"),
        (Authority.Kind.OPERATOR, {}, "secteur délégué"),
    ],
)
def test_an_authority_must_be_linked_to_the_territory_of_its_kind(land, kind, links, message):
    # given a territory link that does not match the kind
    rows = {field: getattr(land, name) for field, name in links.items()}
    # when creating the authority
    # then a French refusal, and nothing written
    with pytest.raises(ValidationError, match=message):
        actions.create_authority(actor=SYSTEM, kind=kind, name="X", slug="x", **rows)
    assert not Authority.objects.exists()
    assert kinds_of_events() == []


def test_a_territory_has_only_one_authority(authorities, land):
    # given Amboise already on the platform
    # when creating another authority for it
    # then refused, naming the existing one
    with pytest.raises(ValidationError, match="déjà sur la plateforme : Ville d'Amboise"):
        make(Authority.Kind.COMMUNE, "Mairie bis", commune=land.amboise)


def test_an_operator_siren_is_checked(db):
    # given an operator with a mistyped SIREN
    # when creating it
    # then refused
    with pytest.raises(ValidationError, match="SIREN 123456789"):
        actions.create_authority(
            actor=SYSTEM,
            kind=Authority.Kind.OPERATOR,
            name="Eaux",
            slug="eaux",
            operator_sector="eau",
            siren="123456789",
        )


def test_an_operator_keeps_a_valid_siren(db):
    # given an operator with a valid SIREN
    # when creating it
    operator = actions.create_authority(
        actor=SYSTEM,
        kind=Authority.Kind.OPERATOR,
        name="Eaux",
        slug="eaux",
        operator_sector="eau",
        siren="200057966",
    )
    # then kept
    assert operator.siren == "200057966"


def test_a_new_default_team_takes_over(authorities):
    # given Amboise and its default team
    # when adding a new default team
    team = actions.create_team(
        actor=SYSTEM, authority=authorities.amboise, name="Relation usagers", is_default=True
    )
    # then it is the only default one, and one more event
    assert list(authorities.amboise.teams.filter(is_default=True)) == [team]
    assert team.slug == "relation-usagers"
    assert kinds_of_events()[-1] == events.TEAM_CREATED


def test_adding_an_agent_records_role_teams_and_one_event(authorities, agent):
    # given Amboise and its default team
    team = authorities.amboise.teams.get()
    before = Event.objects.count()
    # when adding an agent
    membership = actions.add_agent(
        actor=SYSTEM, user=agent, authority=authorities.amboise, role=Role.MANAGER, teams=[team]
    )
    # then the membership with its team, and one event
    assert membership.role == Role.MANAGER
    assert list(membership.teams.all()) == [team]
    assert Event.objects.count() == before + 1


def test_an_agent_cannot_join_another_authoritys_team(authorities, agent):
    # given a team of Bléré
    foreign = authorities.blere.teams.get()
    # when adding an agent to Amboise in it
    # then refused
    with pytest.raises(ValidationError, match="autre collectivité"):
        actions.add_agent(
            actor=SYSTEM,
            user=agent,
            authority=authorities.amboise,
            role=Role.FRONT_DESK,
            teams=[foreign],
        )
    assert not AgentMembership.objects.exists()


def test_an_agent_joins_an_authority_once(authorities, agent):
    # given an agent of Amboise
    actions.add_agent(actor=SYSTEM, user=agent, authority=authorities.amboise, role="manager")
    # when adding them again, or with an unknown role elsewhere
    # then refused
    with pytest.raises(ValidationError, match="déjà rattaché"):
        actions.add_agent(actor=SYSTEM, user=agent, authority=authorities.amboise, role="manager")
    with pytest.raises(ValidationError, match="Rôle inconnu"):
        actions.add_agent(
            actor=SYSTEM, user=UserFactory(), authority=authorities.blere, role="boss"
        )


def test_a_transfer_is_recorded_with_one_event(authorities, land, services):
    # given Amboise
    # when transferring civil status to its CA
    assignment = actions.record_transfer(
        actor=SYSTEM,
        service=services.civil_status,
        granting_authority=authorities.amboise,
        receiving_authority=authorities.agglo,
        starts_on=dt.date(2026, 1, 1),
        note="délibération",
    )
    # then recorded as a transfer, with one event naming the service
    assert assignment.kind == CompetenceAssignment.Kind.TRANSFER
    event = Event.objects.get(kind=events.COMPETENCE_TRANSFERRED)
    assert event.payload["service"] == "etat-civil"
    assert event.authority_id == authorities.amboise.pk


@pytest.mark.parametrize(
    ("granting", "receiving", "message"),
    [
        ("agglo", "amboise", "n'est pas d'un niveau supérieur"),
        ("amboise", "blere", "n'est pas d'un niveau supérieur"),
        ("amboise", "operator", "enregistrez une délégation"),
        ("val", "val", "n'est pas d'un niveau supérieur"),
    ],
)
def test_a_transfer_must_go_up_the_tiers(authorities, services, granting, receiving, message):
    # given two authorities not in a tier order
    # when transferring from one to the other
    # then refused in French, nothing recorded
    with pytest.raises(ValidationError, match=message):
        actions.record_transfer(
            actor=SYSTEM,
            service=services.civil_status,
            granting_authority=getattr(authorities, granting),
            receiving_authority=getattr(authorities, receiving),
        )
    assert not CompetenceAssignment.objects.exists()


def test_a_transfer_must_go_to_an_authority_covering_the_communes(authorities, land, services):
    # given an EPCI Amboise does not belong to, on the platform
    other = make(Authority.Kind.INTERCOMMUNALITY, "Grand Test", intercommunality=land.ept)
    # when Amboise transfers to it
    # then refused: it does not cover Amboise
    with pytest.raises(ValidationError, match="Grand Test ne couvre pas Amboise"):
        actions.record_transfer(
            actor=SYSTEM,
            service=services.civil_status,
            granting_authority=authorities.amboise,
            receiving_authority=other,
        )


def test_a_transfer_concerns_communes_of_the_granting_authority(authorities, land, services):
    # given a commune outside the CA
    outsider = CommuneFactory(name="Ailleurs", departement=land.val)
    # when the CA transfers waste to the département for it
    # then refused
    with pytest.raises(ValidationError, match="Ailleurs : hors du territoire de Agglo du Val"):
        actions.record_transfer(
            actor=SYSTEM,
            service=services.waste,
            granting_authority=authorities.agglo,
            receiving_authority=authorities.val,
            communes=[outsider],
        )


def test_a_second_transfer_of_the_same_service_is_refused_until_the_first_ends(
    authorities, services
):
    # given Amboise's civil status transferred to its CA
    first = actions.record_transfer(
        actor=SYSTEM,
        service=services.civil_status,
        granting_authority=authorities.amboise,
        receiving_authority=authorities.agglo,
    )
    again = {
        "actor": SYSTEM,
        "service": services.civil_status,
        "granting_authority": authorities.amboise,
        "receiving_authority": authorities.val,
    }
    # when transferring it again, then after ending the first
    with pytest.raises(ValidationError, match="Mettez-y fin d'abord"):
        actions.record_transfer(**again, starts_on=dt.date(2026, 3, 1))
    actions.end_assignment(actor=SYSTEM, assignment=first, ends_on=dt.date(2026, 2, 28))
    second = actions.record_transfer(**again, starts_on=dt.date(2026, 3, 1))
    # then the second one is recorded
    assert second.receiving_authority == authorities.val


def test_a_delegation_goes_to_an_operator(authorities, services):
    # given the CA
    # when delegating waste collection to Amboise (not an operator)
    # then refused
    with pytest.raises(ValidationError, match="au profit d'un opérateur"):
        actions.record_delegation(
            actor=SYSTEM,
            service=services.waste,
            granting_authority=authorities.agglo,
            receiving_authority=authorities.amboise,
        )


def test_a_delegation_has_coherent_dates(authorities, services):
    # given the CA and the operator
    # when delegating with an end before the start
    # then refused
    with pytest.raises(ValidationError, match="précède"):
        actions.record_delegation(
            actor=SYSTEM,
            service=services.waste,
            granting_authority=authorities.agglo,
            receiving_authority=authorities.operator,
            starts_on=dt.date(2026, 5, 1),
            ends_on=dt.date(2026, 4, 1),
        )


def test_ending_an_assignment_sets_its_end_with_one_event(authorities, services):
    # given a delegation
    delegation = actions.record_delegation(
        actor=SYSTEM,
        service=services.waste,
        granting_authority=authorities.agglo,
        receiving_authority=authorities.operator,
        starts_on=dt.date(2026, 1, 1),
    )
    # when ending it, then ending it later again, then before it started
    ended = actions.end_assignment(
        actor=SYSTEM, assignment=delegation, ends_on=dt.date(2026, 6, 30)
    )
    # then the end is recorded with one event; a later end or an end before the start is refused
    assert ended.ends_on == dt.date(2026, 6, 30)
    assert kinds_of_events()[-1] == events.COMPETENCE_ASSIGNMENT_ENDED
    with pytest.raises(ValidationError, match="déjà pris fin le 30/06/2026"):
        actions.end_assignment(actor=SYSTEM, assignment=delegation, ends_on=dt.date(2026, 7, 1))
    with pytest.raises(ValidationError, match="précède"):
        actions.end_assignment(actor=SYSTEM, assignment=delegation, ends_on=dt.date(2025, 1, 1))
