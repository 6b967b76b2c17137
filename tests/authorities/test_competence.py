import datetime as dt

from guichet.authorities import actions
from guichet.authorities.competence import services_at, who_handles
from guichet.authorities.models import Authority
from guichet.catalogue.models import Level

from .conftest import SYSTEM, make
from .factories import ServiceFactory

JAN_1 = dt.date(2026, 1, 1)


def test_a_communal_service_is_handled_by_the_commune(authorities, land, services):
    # given Amboise on the platform
    # when asking who issues civil-status records there
    competence = who_handles(services.civil_status, land.amboise)
    # then the town does, by default
    assert competence.authority == authorities.amboise
    assert competence.via == "default"
    assert competence.default_authority == authorities.amboise
    assert "Ville d'Amboise" in competence.reason
    assert "compétence communale" in competence.reason


def test_an_intercommunal_service_is_handled_by_the_communes_epci(authorities, land, services):
    # given Amboise, a member of the CA "Agglo du Val"
    # when asking who collects waste there
    competence = who_handles(services.waste, land.amboise)
    # then the CA does
    assert competence.authority == authorities.agglo
    assert competence.via == "default"


def test_a_departmental_service_is_handled_by_the_departement(authorities, land, services):
    # given Amboise in the département "Val de Test"
    # when asking who grants social aid there
    competence = who_handles(services.social, land.amboise)
    # then the département does
    assert competence.authority == authorities.val


def test_a_delegated_commune_is_served_by_its_commune_nouvelle(authorities, land, services):
    # given Ancien-Bourg, a commune déléguée of Bléré with no membership of its own
    # when asking who handles each level there
    communal = who_handles(services.civil_status, land.ancien_bourg)
    intercommunal = who_handles(services.waste, land.ancien_bourg)
    departmental = who_handles(services.social, land.ancien_bourg)
    # then Bléré, Bléré's CA and Bléré's département do
    assert communal.authority == authorities.blere
    assert intercommunal.authority == authorities.agglo
    assert departmental.authority == authorities.val
    assert "Ancien-Bourg" in communal.reason


def test_a_commune_not_on_the_platform_gets_no_authority_and_a_french_reason(
    authorities, land, services
):
    # given Chenonceaux, which has no authority on the platform
    # when asking who issues civil-status records there
    competence = who_handles(services.civil_status, land.chenonceaux)
    # then nobody online, and the reason names the commune
    assert competence.authority is None
    assert competence.default_authority is None
    assert not competence.available
    assert competence.reason.startswith(
        "Ce service n'est pas encore proposé en ligne par la commune de Chenonceaux"
    )
    # while its CA still collects waste online
    assert who_handles(services.waste, land.chenonceaux).authority == authorities.agglo


def test_an_inactive_authority_offers_nothing_online(authorities, land, services):
    # given Amboise deactivated
    Authority.objects.filter(pk=authorities.amboise.pk).update(is_active=False)
    # when asking who issues civil-status records there
    competence = who_handles(services.civil_status, land.amboise)
    # then nobody online, and the reason names the inactive authority
    assert competence.authority is None
    assert "Ville d'Amboise" in competence.reason
    assert competence.reason.startswith("Ce service n'est pas encore proposé en ligne")


def test_grand_paris_communes_get_their_ept_not_the_metropole(land, services):
    # given Sceaux-Test, member of both the EPT and the MGP, both on the platform
    mgp = make(Authority.Kind.INTERCOMMUNALITY, "MGP", intercommunality=land.mgp)
    ept = make(Authority.Kind.INTERCOMMUNALITY, "EPT Vallée", intercommunality=land.ept)
    # when asking who collects waste there
    competence = who_handles(services.waste, land.sceaux)
    # then the EPT does (the documented choice)
    assert competence.authority == ept
    assert competence.authority != mgp


def test_a_missing_ept_is_named_in_the_reason(land, services):
    # given nothing of Grand Paris on the platform
    # when asking who collects waste at Sceaux-Test
    competence = who_handles(services.waste, land.sceaux)
    # then the EPT is named as the competent one
    assert competence.authority is None
    assert "Vallée Test" in competence.reason


def test_a_transfer_for_all_communes_moves_the_service_to_the_epci(authorities, land):
    # given street cleaning, communal by default, transferred by Amboise to the CA
    cleaning = ServiceFactory(name="Propreté", level=Level.COMMUNAL)
    actions.record_transfer(
        actor=SYSTEM,
        service=cleaning,
        granting_authority=authorities.amboise,
        receiving_authority=authorities.agglo,
        note="délibération 2025-12",
    )
    # when asking who handles it at Amboise and at Bléré
    at_amboise = who_handles(cleaning, land.amboise)
    at_blere = who_handles(cleaning, land.blere)
    # then the CA at Amboise, Bléré itself at Bléré
    assert at_amboise.authority == authorities.agglo
    assert at_amboise.via == "transfer"
    assert at_amboise.default_authority == authorities.amboise
    assert "délibération 2025-12" in at_amboise.reason
    assert at_blere.authority == authorities.blere


def test_a_transfer_for_listed_communes_applies_only_there(authorities, land, services):
    # given the CA transferring waste collection to the département for Amboise only
    actions.record_transfer(
        actor=SYSTEM,
        service=services.waste,
        granting_authority=authorities.agglo,
        receiving_authority=authorities.val,
        communes=[land.amboise],
    )
    # when asking who collects waste at Amboise and at Bléré
    # then the département at Amboise, the CA at Bléré
    assert who_handles(services.waste, land.amboise).authority == authorities.val
    assert who_handles(services.waste, land.blere).authority == authorities.agglo


def test_a_dated_transfer_applies_from_its_start(authorities, land, services):
    # given Bléré transferring civil status to the CA from 1 January 2026
    actions.record_transfer(
        actor=SYSTEM,
        service=services.civil_status,
        granting_authority=authorities.blere,
        receiving_authority=authorities.agglo,
        starts_on=JAN_1,
    )
    # when asking the day before and on the day
    before = who_handles(services.civil_status, land.blere, on=dt.date(2025, 12, 31))
    on_the_day = who_handles(services.civil_status, land.blere, on=JAN_1)
    # then Bléré before, the CA from then on (also for its commune déléguée)
    assert before.authority == authorities.blere
    assert on_the_day.authority == authorities.agglo
    assert who_handles(services.civil_status, land.ancien_bourg, on=JAN_1).via == "transfer"


def test_transfers_chain_up_the_tiers(land, services):
    # given Sceaux-Test's EPT transferring waste to the MGP, recorded before the commune's
    # own transfer (a communal service here) to its EPT
    local = ServiceFactory(name="Voirie", level=Level.COMMUNAL)
    sceaux = make(Authority.Kind.COMMUNE, "Ville de Sceaux-Test", commune=land.sceaux)
    mgp = make(Authority.Kind.INTERCOMMUNALITY, "MGP", intercommunality=land.mgp)
    ept = make(Authority.Kind.INTERCOMMUNALITY, "EPT Vallée", intercommunality=land.ept)
    for granting, receiving in [(ept, mgp), (sceaux, ept)]:
        actions.record_transfer(
            actor=SYSTEM, service=local, granting_authority=granting, receiving_authority=receiving
        )
    # when asking who handles it at Sceaux-Test
    competence = who_handles(local, land.sceaux)
    # then the MGP, at the end of the chain
    assert competence.authority == mgp
    assert competence.default_authority == sceaux


def test_a_delegation_lets_an_operator_act_for_the_competent_authority(authorities, land, services):
    # given the CA delegating waste collection to an operator
    actions.record_delegation(
        actor=SYSTEM,
        service=services.waste,
        granting_authority=authorities.agglo,
        receiving_authority=authorities.operator,
        note="contrat 2024-7",
    )
    # when asking who collects waste at Amboise
    competence = who_handles(services.waste, land.amboise)
    # then the operator, for the CA
    assert competence.authority == authorities.operator
    assert competence.via == "delegation"
    assert competence.acts_for == authorities.agglo
    assert competence.default_authority == authorities.agglo
    assert "Collecte Services" in competence.reason
    assert "pour le compte de Agglo du Val" in competence.reason


def test_a_delegation_applies_on_top_of_a_transfer(authorities, land):
    # given Amboise transferring cleaning to the CA, which delegates it to an operator
    cleaning = ServiceFactory(name="Propreté", level=Level.COMMUNAL)
    actions.record_transfer(
        actor=SYSTEM,
        service=cleaning,
        granting_authority=authorities.amboise,
        receiving_authority=authorities.agglo,
    )
    actions.record_delegation(
        actor=SYSTEM,
        service=cleaning,
        granting_authority=authorities.agglo,
        receiving_authority=authorities.operator,
    )
    # when asking who handles it at Amboise and at Bléré (which kept it)
    at_amboise = who_handles(cleaning, land.amboise)
    at_blere = who_handles(cleaning, land.blere)
    # then the operator for the CA at Amboise, Bléré at Bléré
    assert (at_amboise.authority, at_amboise.acts_for) == (authorities.operator, authorities.agglo)
    assert at_blere.authority == authorities.blere


def test_an_ended_delegation_returns_the_service_to_the_authority(authorities, land, services):
    # given a delegation ended on 1 January 2026
    delegation = actions.record_delegation(
        actor=SYSTEM,
        service=services.waste,
        granting_authority=authorities.agglo,
        receiving_authority=authorities.operator,
    )
    actions.end_assignment(actor=SYSTEM, assignment=delegation, ends_on=JAN_1)
    # when asking on the last day and the day after
    # then the operator, then the CA
    assert who_handles(services.waste, land.amboise, on=JAN_1).authority == authorities.operator
    after = who_handles(services.waste, land.amboise, on=dt.date(2026, 1, 2))
    assert after.authority == authorities.agglo


def test_services_at_lists_only_published_services_offered_online(authorities, land, services):
    # given an unpublished communal service and Chenonceaux off the platform
    ServiceFactory(name="Brouillon", level=Level.COMMUNAL, is_active=False)
    # when listing what is available at Amboise and at Chenonceaux
    at_amboise = {s.slug: c.authority for s, c in services_at(land.amboise)}
    at_chenonceaux = {s.slug: c.authority for s, c in services_at(land.chenonceaux)}
    # then every published service at Amboise; no civil status at Chenonceaux
    assert at_amboise == {
        "etat-civil": authorities.amboise,
        "collecte-dechets": authorities.agglo,
        "aide-sociale": authorities.val,
    }
    assert at_chenonceaux == {
        "collecte-dechets": authorities.agglo,
        "aide-sociale": authorities.val,
    }


def test_services_at_runs_a_bounded_number_of_queries(
    authorities, land, django_assert_max_num_queries
):
    # given 60 services of every level, with transfers and delegations recorded for many
    many = [ServiceFactory(level=level) for level in Level.values for _ in range(20)]
    for service in many[:20:2]:
        actions.record_transfer(
            actor=SYSTEM,
            service=service,
            granting_authority=authorities.blere,
            receiving_authority=authorities.agglo,
        )
    for service in many[20:40:2]:
        actions.record_delegation(
            actor=SYSTEM,
            service=service,
            granting_authority=authorities.agglo,
            receiving_authority=authorities.operator,
            communes=[land.blere],
        )
    # when listing what is available at Bléré's commune déléguée
    with django_assert_max_num_queries(6):
        offered = services_at(land.ancien_bourg)
    # then all 60, and the recorded exceptions apply
    assert len(offered) == 60
    via = [c.via for s, c in offered]
    assert via.count("transfer") == 10
    assert via.count("delegation") == 10
