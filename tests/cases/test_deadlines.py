"""Due dates through the actions: the service's promise in French working days, with pauses."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guichet.authorities import actions as authorities
from guichet.cases import actions
from guichet.core.clock import frozen_at
from guichet.core.journal import Actor
from guichet.territory.models import Commune, Departement, Region

from .factories import SYSTEM, file_request

PARIS = ZoneInfo("Europe/Paris")


def paris(year, month, day, hour=10, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def end_of(year, month, day) -> datetime:
    return datetime(year, month, day, 23, 59, 59, 999999, tzinfo=PARIS)


def take_in_charge(world, request):
    return actions.change_status(
        request=request, to="in_progress", actor=Actor.agent(world.agent_sceaux),
        role="case_handler",
    )  # fmt: skip


def ask_user(world, request):
    return actions.change_status(
        request=request, to="waiting_user", actor=Actor.agent(world.agent_sceaux),
        role="case_handler", note="Pouvez-vous préciser l'adresse ?",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("slug", "received", "due"),
    [
        # 10 working days from Friday 1 May 2026 (a holiday): 8 May and Ascension (14 May) off
        ("signalement-voirie", paris(2026, 5, 1), end_of(2026, 5, 19)),
        # 5 working days: Mon 4, Tue 5, Wed 6, Thu 7, (Fri 8 May off) Mon 11
        ("eclairage-public-en-panne", paris(2026, 5, 1), end_of(2026, 5, 11)),
        # received late on Friday: counting starts on Monday
        ("eclairage-public-en-panne", paris(2026, 3, 6, 23, 30), end_of(2026, 3, 13)),
        # 3 working days over Christmas 2025: 25 December off
        ("arbre-dangereux", paris(2025, 12, 24), end_of(2025, 12, 30)),
    ],
)
def test_the_due_date_follows_the_service_promise_in_working_days(world, slug, received, due):
    # given a service promising N working days
    # when a request is filed at a frozen moment
    with frozen_at(received):
        request = file_request(world, slug)
    # then it is due at the end of the Nth French working day after receipt
    assert request.received_at == received
    assert request.due_at == due


def test_a_service_without_promise_has_no_due_date(world):
    # given the passport appointment service, which promises no delay
    # when a request is filed
    with frozen_at(paris(2026, 5, 4)):
        request = file_request(world, "rendez-vous-passeport-cni")
    # then it has no due date
    assert request.due_at is None


def test_waiting_for_the_user_pauses_the_clock_and_the_reply_gives_the_days_back(world):
    # given a road report received on Friday 1 May 2026 (due 19 May), taken in charge
    with frozen_at(paris(2026, 5, 1)):
        request = file_request(world)
    with frozen_at(paris(2026, 5, 4, 9)):
        request = take_in_charge(world, request)
    # when the agent asks the person a question on Monday 4 May
    with frozen_at(paris(2026, 5, 4, 11)):
        request = ask_user(world, request)
    # then the clock stops: no due date while waiting
    assert request.state == "waiting_user"
    assert request.public_status == "action_needed"
    assert request.due_at is None
    assert request.paused_since == paris(2026, 5, 4, 11)
    # when the person answers on Wednesday 6 May
    with frozen_at(paris(2026, 5, 6, 18)):
        actions.reply_as_person(
            request=request, actor=Actor.person(request.person), body="Devant le n° 12."
        )
    request.refresh_from_db()
    # then the request is back with the agents and due two working days later (Tue, Wed given back)
    assert request.state == "in_progress"
    assert request.paused_since is None
    assert len(request.pauses) == 1
    assert request.due_at == end_of(2026, 5, 21)


def test_a_question_answered_the_same_day_costs_nothing(world):
    # given a request due 19 May 2026, waiting for the user since Tuesday 5 May morning
    with frozen_at(paris(2026, 5, 1)):
        request = file_request(world)
    with frozen_at(paris(2026, 5, 5, 9)):
        request = ask_user(world, take_in_charge(world, request))
    # when the agent resumes it the same afternoon
    with frozen_at(paris(2026, 5, 5, 16)):
        request = actions.change_status(
            request=request, to="in_progress", actor=Actor.agent(world.agent_sceaux),
            role="case_handler",
        )  # fmt: skip
    # then the due date is unchanged
    assert request.due_at == end_of(2026, 5, 19)


@pytest.fixture
def metz(world):
    """A Moselle commune on the platform (the shipped territory has no Alsace-Moselle)."""
    region = Region.objects.get_or_create(code="44", defaults={"name": "Grand Est"})[0]
    moselle = Departement.objects.create(code="57", name="Moselle", region=region)
    commune = Commune.objects.create(
        code="57463", name="Metz", departement=moselle, siren="215704632", population=120000
    )
    authorities.create_authority(
        actor=SYSTEM, kind="commune", name="Ville de Metz", slug="metz", commune=commune
    )
    return commune


@pytest.mark.parametrize(
    ("slug", "received", "due_paris", "due_moselle"),
    [
        # Good Friday 3 April 2026 is off in Moselle only (Easter Monday 6 April everywhere)
        ("eclairage-public-en-panne", paris(2026, 4, 2), end_of(2026, 4, 10), end_of(2026, 4, 13)),
        # 26 December 2025 (a Friday) is off in Moselle only
        ("arbre-dangereux", paris(2025, 12, 24), end_of(2025, 12, 30), end_of(2025, 12, 31)),
    ],
)
def test_alsace_moselle_has_two_more_days_off(world, metz, slug, received, due_paris, due_moselle):
    # given the same request filed in Sceaux and in Metz on the same day
    with frozen_at(received):
        in_sceaux = file_request(world, slug)
        in_metz = file_request(world, slug, commune=metz)
    # then Metz's local day off pushes its due date by one working day
    assert in_metz.authority.slug == "metz"
    assert in_sceaux.due_at == due_paris
    assert in_metz.due_at == due_moselle


pause_plans = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=240),  # hours until the question
        st.integers(min_value=0, max_value=400),  # hours until the answer
        st.booleans(),  # the person answers (else the agent resumes)
    ),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    received_offset=st.integers(min_value=0, max_value=24 * 60),
    plan=pause_plans,
)
def test_pauses_never_bring_the_due_date_forward(world, received_offset, plan):
    with transaction.atomic():
        # given a request received at some moment of early 2026, taken in charge at once
        moment = paris(2026, 1, 2, 0) + timedelta(hours=received_offset)
        with frozen_at(moment):
            request = take_in_charge(world, file_request(world))
        without_pauses = request.due_at
        # when the agent asks questions answered later, any number of times
        for until_question, until_answer, person_answers in plan:
            moment += timedelta(hours=until_question)
            with frozen_at(moment):
                request = ask_user(world, request)
            moment += timedelta(hours=until_answer)
            with frozen_at(moment):
                if person_answers:
                    actions.reply_as_person(
                        request=request, actor=Actor.person(request.person), body="Voici."
                    )
                    request.refresh_from_db()
                else:
                    request = take_in_charge(world, request)
        # then the due date is never earlier than without the pauses
        assert request.state == "in_progress"
        assert request.due_at >= without_pauses
        assert len(request.pauses) == len(plan)
        transaction.set_rollback(True)
