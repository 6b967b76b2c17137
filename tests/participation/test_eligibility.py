"""Who may act: the phase, the identity level, living or working in the scope (French refusals)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from support import built_for_the_module, refreshed

from guichet.core import clock
from guichet.core.journal import Actor
from guichet.participation import eligibility
from guichet.participation.actions.consultations import declare_residence, save_consultation
from guichet.participation.eligibility import NotAllowed
from guichet.participation.models.consultations import Level, Scope
from guichet.participation.phases import OPEN_ACTIONS, Action, PhaseKind, opens
from guichet.people.models import Verification

from .consultation_world import build


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, build) as built:
        yield built


@pytest.fixture
def w(world, db):
    return refreshed(world)


def refusal(person, target, action, **kw) -> NotAllowed:
    with pytest.raises(NotAllowed) as caught:
        eligibility.check(person, target, action, **kw)
    return caught.value


def test_the_phase_table_opens_proposals_only_while_contributing():
    assert opens(PhaseKind.CONTRIBUTIONS, Action.PROPOSE)
    assert not any(opens(k, Action.PROPOSE) for k in OPEN_ACTIONS if k != PhaseKind.CONTRIBUTIONS)
    assert opens(PhaseKind.VOTE, Action.VOTE_SHORTLIST)
    assert not opens(PhaseKind.INFORMATION, Action.COMMENT)
    # a phase row's own list replaces the table
    assert opens(PhaseKind.INFORMATION, Action.COMMENT, ["comment"])


def test_a_verified_resident_may_propose_now(w):
    assert eligibility.check(w.claire, w.consultation, Action.PROPOSE) is None


def test_nobody_signed_in_is_told_to_verify_an_address(w):
    message = str(refusal(None, w.consultation, Action.PROPOSE))
    assert "identifiez-vous" in message and "vérifié par un code" in message


def test_an_unverified_person_is_told_what_she_needs(w):
    error = refusal(w.unverified, w.consultation, Action.SUPPORT)
    assert error.needs == "identity"
    assert "Pour soutenir une idée, il faut une adresse électronique ou un numéro" in str(error)


def test_a_resident_of_another_town_is_told_the_consultation_is_for_sceaux(w):
    error = refusal(w.tourangeau, w.consultation, Action.PROPOSE)
    assert error.needs == "residence"
    assert "habitent ou travaillent dans Ville de Sceaux" in str(error)


def test_declaring_that_she_works_there_makes_her_eligible(w):
    declare_residence(person=w.tourangeau, relation="works", commune=w.sceaux_commune)
    assert eligibility.check(w.tourangeau, w.consultation, Action.PROPOSE) is None


def test_workers_are_refused_when_the_consultation_is_for_residents_only(w):
    declare_residence(person=w.tourangeau, relation="works", commune=w.sceaux_commune)
    w.consultation.workers_eligible = False
    w.consultation.save()
    error = refusal(w.tourangeau, w.consultation, Action.PROPOSE)
    assert "réservée aux personnes qui habitent dans" in str(error)


def test_after_the_contributions_phase_proposals_are_refused_with_the_phase_named(w):
    later = clock.now() + timedelta(days=12)
    error = refusal(w.claire, w.consultation, Action.PROPOSE, at=later)
    assert error.needs == "phase"
    assert "L'étape « vote » de la consultation ne permet pas de proposer une idée" in str(error)


def test_before_any_phase_the_consultation_is_not_open(w):
    error = refusal(w.claire, w.consultation, Action.SUPPORT, at=clock.now() - timedelta(days=60))
    assert "n'est pas ouverte en ce moment" in str(error)


def test_an_action_may_ask_for_a_verified_identity(w):
    save_consultation(
        actor=Actor.agent(w.manager_sceaux), authority=w.sceaux, consultation=w.consultation,
        title=w.consultation.title, published=True,
        required_levels={Action.SUPPORT: Level.IDENTITY},
    )  # fmt: skip
    error = refusal(w.claire, w.consultation, Action.SUPPORT)
    assert "identité vérifiée (FranceConnect" in str(error)
    w.claire.identities.update(verification=Verification.FRANCECONNECT)
    assert eligibility.check(w.claire, w.consultation, Action.SUPPORT) is None


def test_an_authority_target_checks_its_territory_without_phase(w):
    # petitions (P2) call check with the authority: no phase, the authority's communes
    assert eligibility.check(w.david, w.sceaux, Action.SIGN) is None
    assert refusal(w.tourangeau, w.sceaux, Action.SIGN).needs == "residence"
    assert refusal(w.david, w.sceaux, Action.START_PETITION).needs == "identity"


def test_a_commune_scope_takes_only_its_communes(w):
    consultation = save_consultation(
        actor=Actor.agent(w.manager_sceaux), authority=w.sceaux, title="Quartier",
        scope=Scope.COMMUNES, communes=[w.tours_commune], published=True,
    )  # fmt: skip
    assert not eligibility.lives_or_works_in(w.claire, consultation)
    assert eligibility.lives_or_works_in(w.tourangeau, consultation)
    assert "Tours" in eligibility.scope_label(consultation)


def test_an_area_scope_asks_for_a_declared_point_inside_it(w):
    from guichet.territory.actions import create_area

    square = {"type": "Polygon", "coordinates": [[[2.2930, 48.7755], [2.2960, 48.7755],
              [2.2960, 48.7775], [2.2930, 48.7775], [2.2930, 48.7755]]]}  # fmt: skip
    area = create_area(authority_id=w.sceaux.pk, name="Quartier Houdan", kind="quartier",
                       geometry=square, actor=Actor.system())  # fmt: skip
    consultation = save_consultation(
        actor=Actor.agent(w.manager_sceaux), authority=w.sceaux, title="Rue Houdan",
        scope=Scope.AREA, area=area, published=True,
    )  # fmt: skip
    # living in Sceaux is not enough: the point must be in the area
    assert not eligibility.lives_or_works_in(w.claire, consultation)
    assert "le secteur « Quartier Houdan »" in eligibility._residence_message(consultation)
    declare_residence(person=w.claire, relation="lives", commune=w.sceaux_commune,
                      latitude=48.7800, longitude=2.2900)  # fmt: skip
    assert not eligibility.lives_or_works_in(w.claire, consultation)
    declare_residence(person=w.claire, relation="lives", commune=w.sceaux_commune,
                      latitude=48.7765, longitude=2.2945)  # fmt: skip
    assert eligibility.lives_or_works_in(w.claire, consultation)
