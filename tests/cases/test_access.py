"""Who may fetch one request: agents by authority, the person, anyone with the second factor."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guichet.authorities import actions as authorities
from guichet.cases import actions
from guichet.cases.access import (
    NOT_FOUND,
    access_request,
    access_request_by_tracking,
    access_request_of_person,
)
from guichet.core.journal import Actor

from .factories import SYSTEM, agent, file_request, user


@pytest.fixture
def users(world):
    inactive = agent("ancien.sceaux", world.sceaux)
    inactive.is_active = False
    inactive.save()
    return {
        "agent of the authority": world.agent_sceaux,
        "front desk of the authority": world.front_desk_sceaux,
        "agent of another authority": world.agent_tours,
        "agent of its intercommunality": world.agent_ept,
        "superuser": user("plateforme", is_superuser=True, is_staff=True),
        "anonymous": AnonymousUser(),
        "inactive agent of the authority": inactive,
        "account without membership": user("sans.rattachement"),
    }


ACCESS = {
    "agent of the authority": True,
    "front desk of the authority": True,
    "agent of another authority": False,
    "agent of its intercommunality": False,
    "superuser": True,
    "anonymous": False,
    "inactive agent of the authority": False,
    "account without membership": False,
}


@pytest.mark.parametrize(("who", "allowed"), ACCESS.items())
@pytest.mark.parametrize("for_update", [False, True])
def test_access_request_for_each_kind_of_user(world, users, who, allowed, for_update):
    # given a request handled by Sceaux
    request = file_request(world)
    # when this user fetches it
    # then they get it, or "not found" like for a request that does not exist
    if allowed:
        assert access_request(users[who], request.pk, for_update=for_update) == request
    else:
        with pytest.raises(Http404, match=NOT_FOUND):
            access_request(users[who], request.pk, for_update=for_update)


@pytest.mark.parametrize("pk", [999_999, "abc", None, "1 OR 1=1"])
def test_access_request_answers_not_found_for_missing_or_malformed_ids(world, pk):
    # given a superuser, who sees everything that exists
    superuser = user("plateforme", is_superuser=True)
    # when they ask for a request that cannot exist
    # then it is "not found", never a crash
    with pytest.raises(Http404, match=NOT_FOUND):
        access_request(superuser, pk)


@pytest.mark.parametrize(
    "typed", ["{ref}", "{lower}", " {spaced} ", "{compact}", "{confused}"],
)  # fmt: skip
def test_a_person_gets_their_own_request_however_they_type_the_reference(world, typed):
    # given Alice's request
    request = file_request(world)
    ref = request.reference
    variants = {
        "ref": ref,
        "lower": ref.lower(),
        "spaced": ref.replace("-", " "),
        "compact": ref.replace("-", ""),
        "confused": ref.replace("0", "O").replace("1", "l"),
    }
    # when she opens it with the reference typed loosely
    found = access_request_of_person(world.alice, typed.format(**variants))
    # then she gets it
    assert found == request


@pytest.mark.parametrize("who", ["bob", "nobody"])
def test_a_person_never_gets_someone_elses_request(world, who):
    # given Alice's request
    request = file_request(world)
    # when Bob, or nobody signed in, asks for it by its reference
    # then it is "not found"
    with pytest.raises(Http404, match=NOT_FOUND):
        access_request_of_person(getattr(world, who, None), request.reference)


@pytest.mark.parametrize("reference", ["", "ABCD", "not a reference at all", "ZZZZ-ZZZZ-ZZ"])
def test_a_person_asking_for_a_wrong_reference_gets_not_found(world, reference):
    file_request(world)
    with pytest.raises(Http404, match=NOT_FOUND):
        access_request_of_person(world.alice, reference)


SECOND_FACTORS_OK = [
    "{secret}",
    "alice@exemple.fr",
    "  ALICE@Exemple.FR ",
    "06 12 34 56 78",
    "0612345678",
    "06.12.34.56.78",
    "+33 6 12 34 56 78",
    "+33612345678",
    "0033612345678",
]
SECOND_FACTORS_WRONG = [
    "",
    "   ",
    "{secret}x",
    "{secret_upper}",
    "bob@exemple.fr",
    "alice@exemple.com",
    "06 12 34 56 79",
    "n'importe quoi",
]


@pytest.mark.parametrize("factor", SECOND_FACTORS_OK)
def test_tracking_with_reference_and_second_factor_finds_the_request(world, factor):
    # given Alice's request (her e-mail and phone are known)
    request = file_request(world)
    # when someone tracks it with its reference and the secret, her e-mail or her phone
    found = access_request_by_tracking(
        request.reference.lower(), factor.format(secret=request.tracking_secret)
    )
    # then it is found
    assert found == request


@pytest.mark.parametrize("factor", SECOND_FACTORS_WRONG)
def test_tracking_with_a_wrong_second_factor_is_not_found_alike(world, factor):
    # given Alice's request, and Bob's (whose e-mail is known too)
    request = file_request(world)
    file_request(world, person=world.bob, commune=world.tours_commune)
    # when someone tracks Alice's request with a wrong second factor
    # then the answer is the same "not found" as for a reference that does not exist
    with pytest.raises(Http404) as wrong:
        access_request_by_tracking(
            request.reference,
            factor.format(
                secret=request.tracking_secret, secret_upper=request.tracking_secret.upper()
            ),
        )
    with pytest.raises(Http404) as missing:
        access_request_by_tracking("ZZZZ-ZZZZ-ZZ", request.tracking_secret)
    assert str(wrong.value) == str(missing.value) == NOT_FOUND


def test_tracking_with_another_requests_secret_is_not_found(world):
    # given two requests of Alice
    first, second = file_request(world), file_request(world)
    # when one is tracked with the other's secret
    # then it is not found
    with pytest.raises(Http404):
        access_request_by_tracking(first.reference, second.tracking_secret)


AUTHORITY_NAMES = ["sceaux", "ept", "tours", "metropole", "gien"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    memberships=st.sets(st.sampled_from(AUTHORITY_NAMES)),
    superuser=st.booleans(),
    active=st.booleans(),
    handled_by=st.sampled_from(AUTHORITY_NAMES[:4]),
)
def test_access_iff_member_of_the_requests_authority_or_superuser(
    world, memberships, superuser, active, handled_by
):
    with transaction.atomic():
        # given a user with random memberships and a request handled by some authority
        account = user("aleatoire", is_superuser=superuser, is_active=active)
        for name in sorted(memberships):
            authorities.add_agent(
                actor=SYSTEM, user=account, authority=getattr(world, name), role="front_desk"
            )
        request = file_request(world, "question-generale")
        if handled_by != "sceaux":
            actions.hand_off(
                request=request, to_authority=getattr(world, handled_by), reason="Test.",
                actor=Actor.agent(world.agent_sceaux),
            )  # fmt: skip
        # when the user fetches the request
        try:
            access_request(account, request.pk)
            granted = True
        except Http404:
            granted = False
        # then they get it exactly when active and a member of its authority, or a superuser
        assert granted == (active and (superuser or handled_by in memberships))
        transaction.set_rollback(True)
