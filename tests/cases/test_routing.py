"""Where a filed request goes: the competent authority on real communes, then the team."""

from __future__ import annotations

import pytest

from guichet.authorities import actions as authorities
from guichet.cases import actions
from guichet.cases.actions import IntakeError
from guichet.cases.models import Request, RoutingRule
from guichet.core.journal import Actor
from guichet.core.models import Event

from .factories import SYSTEM, file_request, form_for, person, service


def test_a_communal_service_in_sceaux_goes_to_the_ville_de_sceaux(world):
    # given a road report in Sceaux
    # when it is filed
    request = file_request(world, "signalement-voirie")
    # then the commune handles it, in its default team (no routing rule yet)
    assert request.authority == world.sceaux
    assert request.team.is_default


def test_an_intercommunal_service_in_sceaux_goes_to_its_ept(world):
    # given a bulky waste collection request in Sceaux
    # when it is filed
    request = file_request(world, "encombrants")
    # then the EPT Vallée Sud-Grand Paris handles it
    assert request.authority == world.ept


def test_a_departmental_service_in_tours_goes_to_indre_et_loire(world):
    # given a departmental road report located in Tours
    # when it is filed without naming the commune (the point says where)
    request = file_request(world, "route-departementale", commune=world.tours_commune)
    # then the Département d'Indre-et-Loire handles it
    assert request.authority == world.indre_et_loire
    assert request.authority.name == "Département d'Indre-et-Loire"


def test_the_commune_is_found_from_the_point_when_not_given(world):
    # given a road report with a point in Tours and no commune

    # when it is filed
    request = actions.submit_request(
        service=service("signalement-voirie"), person=world.bob, channel="web",
        actor=Actor.person(world.bob), form_data=form_for("signalement-voirie", "37261"),
    )  # fmt: skip
    # then the commune comes from the boundaries, and its authority handles it
    assert request.commune == world.tours_commune
    assert request.authority == world.tours
    assert (request.latitude, request.longitude) == (47.3936, 0.6892)


def test_a_recorded_transfer_routes_to_the_metropolis(world):
    # given Tours transferred road reports to Tours Métropole Val de Loire
    authorities.record_transfer(
        actor=SYSTEM, service=service("signalement-voirie"), granting_authority=world.tours,
        receiving_authority=world.metropole, note="Délibération du 12 mars 2026",
    )  # fmt: skip
    # when a road report is filed in Tours
    request = file_request(
        world, "signalement-voirie", person=world.bob, commune=world.tours_commune
    )
    # then the metropolis handles it, and the journal says why
    assert request.authority == world.metropole
    received = Event.objects.get(case_id=request.pk, kind="request.received")
    assert received.payload["routed_by"] == "transfer"


def test_a_delegation_routes_to_the_operator(world):
    # given the metropolis delegates bulky waste collection to an operator
    authorities.record_delegation(
        actor=SYSTEM, service=service("encombrants"), granting_authority=world.metropole,
        receiving_authority=world.operator, note="Contrat de DSP 2026-04",
    )  # fmt: skip
    # when a bulky waste request is filed in Tours
    request = file_request(world, "encombrants", person=world.bob, commune=world.tours_commune)
    # then the operator handles it
    assert request.authority == world.operator
    received = Event.objects.get(case_id=request.pk, kind="request.received")
    assert received.payload["routed_by"] == "delegation"


def rule(world, position, team, **conditions):
    communes = conditions.pop("communes", [])
    created = RoutingRule.objects.create(
        authority=world.sceaux, position=position, team=team, **conditions
    )
    created.communes.set(communes)
    return created


@pytest.fixture
def teams(world):
    def team(name):
        return authorities.create_team(actor=SYSTEM, authority=world.sceaux, name=name)

    return {name: team(name) for name in ("Propreté", "Entreprises", "Centre-ville", "Urgences")}


def test_a_rule_on_the_service_picks_the_team(world, teams):
    # given a rule sending road reports to the road team
    rule(world, 1, world.sceaux_voirie, service=service("signalement-voirie"))
    # when a road report and a general question are filed
    road = file_request(world, "signalement-voirie")
    question = file_request(world, "question-generale")
    # then the road report goes to the road team, the question to the default team
    assert road.team == world.sceaux_voirie
    assert question.team.is_default


def test_a_rule_on_the_service_category_picks_the_team(world, teams):
    # given a rule on the category of the road report service
    rule(world, 1, teams["Propreté"], service_category=service("signalement-voirie").category)
    # when a road report is filed
    # then the category's team receives it
    assert file_request(world, "signalement-voirie").team == teams["Propreté"]


def test_a_rule_on_the_person_category_picks_the_team(world, teams):
    # given a rule for businesses
    rule(world, 1, teams["Entreprises"], person_category="business")
    shopkeeper = person("Chloé", "Bernard", email="chloe@exemple.fr", category="business")
    # when a business and a resident file the same request
    from_business = file_request(world, "question-generale", person=shopkeeper)
    from_resident = file_request(world, "question-generale")
    # then only the business's goes to the businesses team
    assert from_business.team == teams["Entreprises"]
    assert from_resident.team.is_default


def test_a_rule_on_the_commune_picks_the_team(world, teams):
    # given a rule for requests located in Sceaux, and one for Gien
    rule(world, 1, teams["Urgences"], communes=[world.gien_commune])
    rule(world, 2, teams["Centre-ville"], communes=[world.sceaux_commune])
    # when a request is filed in Sceaux
    # then the Sceaux rule matches, not the Gien one
    assert file_request(world, "signalement-voirie").team == teams["Centre-ville"]


def test_a_rule_on_a_form_answer_picks_the_team(world, teams):
    # given a rule for dangerous road problems (a ticked box)
    rule(world, 1, teams["Urgences"], field_name="danger", field_value="True")
    # when one report says it is dangerous and another does not
    dangerous = file_request(
        world, form_data={"nature": "trottoir", "emplacement": {"lat": 48.7766, "lon": 2.2946},
                          "danger": "on"},
    )  # fmt: skip
    harmless = file_request(world)
    # then only the dangerous one goes to the emergency team
    assert dangerous.team == teams["Urgences"]
    assert harmless.team.is_default


def test_a_rule_on_a_multiple_choice_answer_matches_any_selected_value(world, teams):
    # given a rule for bulky waste requests with household appliances (at the EPT)
    appliances = authorities.create_team(actor=SYSTEM, authority=world.ept, name="DEEE")
    created = RoutingRule.objects.create(
        authority=world.ept, position=1, team=appliances, field_name="objets",
        field_value="electromenager",
    )  # fmt: skip
    # when a request lists furniture and appliances

    request = file_request(
        world,
        "encombrants",
        form_data=form_for("encombrants", objets=["meubles", "electromenager"]),
    )
    # then the rule matches
    assert request.team == appliances
    assert created.pk is not None


def test_the_first_matching_rule_wins(world, teams):
    # given two matching rules, the lower position first, and an inactive one before them
    rule(world, 0, teams["Urgences"], service=service("signalement-voirie"), is_active=False)
    rule(world, 2, teams["Propreté"], service=service("signalement-voirie"))
    rule(world, 1, world.sceaux_voirie, service_category=service("signalement-voirie").category)
    # when a road report is filed
    # then the active rule with the lowest position wins
    assert file_request(world, "signalement-voirie").team == world.sceaux_voirie


def test_every_condition_of_a_rule_must_match(world, teams):
    # given a rule for road reports from businesses only
    rule(world, 1, teams["Entreprises"], service=service("signalement-voirie"),
         person_category="business")  # fmt: skip
    # when a resident files a road report
    # then the rule does not match and the default team receives it
    assert file_request(world, "signalement-voirie").team.is_default


def test_a_service_not_on_the_platform_here_is_refused_with_the_reason(world):
    # given Gien's intercommunality is not on the platform
    before = (Request.objects.count(), Event.objects.count())
    # when a bulky waste request is filed in Gien
    with pytest.raises(IntakeError) as refusal:
        file_request(world, "encombrants", commune=world.gien_commune)
    # then it is refused in French, naming who is competent, and nothing is written
    message = refusal.value.errors["commune"][0]
    assert "n'est pas encore proposé en ligne par CC Giennoises" in message
    assert (Request.objects.count(), Event.objects.count()) == before


def test_a_request_without_any_place_is_refused(world):
    # given a general question (no location field) filed without a commune

    # when it is filed
    with pytest.raises(IntakeError) as refusal:
        actions.submit_request(
            service=service("question-generale"), person=world.alice, channel="web",
            actor=Actor.person(world.alice), form_data=form_for("question-generale"),
        )  # fmt: skip
    # then the person is asked for the commune
    assert refusal.value.errors == {
        "commune": ["Indiquez la commune concernée pour orienter la demande."]
    }
