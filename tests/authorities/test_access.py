import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from hypothesis import given, settings
from hypothesis import strategies as st

from guichet.authorities.access import (
    PERMISSIONS,
    ROLE_ORDER,
    access_authority,
    authority_ids_for,
    can,
    has_role,
    memberships_of,
    permissions_of,
)
from guichet.authorities.models import Role

from .factories import AgentMembershipFactory, AuthorityFactory, UserFactory

# The whole table, written out: a change to access.PERMISSIONS must show up here.
EXPECTED = {
    Role.FRONT_DESK: {"view_requests", "file_on_behalf"},
    Role.CASE_HANDLER: {"view_requests", "file_on_behalf", "handle_request", "hand_off"},
    Role.MANAGER: {
        "view_requests",
        "file_on_behalf",
        "handle_request",
        "hand_off",
        "view_dashboards",
        "manage_routing",
        "broadcast",
        "read_briefings",  # every briefing of their authority (ADR 0039)
    },
    Role.ADMINISTRATOR: set(PERMISSIONS),
}


@pytest.fixture
def two_authorities(db):
    return AuthorityFactory(name="A"), AuthorityFactory(name="B")


def test_an_agent_gets_their_own_authority(two_authorities):
    # given an agent of A
    a, _ = two_authorities
    membership = AgentMembershipFactory(authority=a)
    # when accessing A
    # then A
    assert access_authority(membership.user, a.pk) == a


def test_an_agent_of_a_gets_not_found_for_b_as_for_a_missing_one(two_authorities):
    # given an agent of A
    a, b = two_authorities
    user = AgentMembershipFactory(authority=a).user
    # when accessing B, then an authority that does not exist
    # then "not found" both times
    with pytest.raises(Http404) as forbidden:
        access_authority(user, b.pk)
    with pytest.raises(Http404) as missing:
        access_authority(user, 999_999)
    assert str(forbidden.value) == str(missing.value)


def test_a_superuser_sees_every_authority(two_authorities):
    # given a superuser with no membership
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    # when accessing both authorities and listing them
    # then everything
    assert {access_authority(admin, a.pk) for a in two_authorities} == set(two_authorities)
    assert authority_ids_for(admin) == {a.pk for a in two_authorities}
    assert can(admin, two_authorities[1], "manage_agents")


def test_an_anonymous_user_sees_nothing(two_authorities):
    # given nobody signed in
    anonymous = AnonymousUser()
    # when accessing or listing
    # then nothing, not found
    with pytest.raises(Http404):
        access_authority(anonymous, two_authorities[0].pk)
    assert authority_ids_for(anonymous) == set()
    assert not memberships_of(anonymous).exists()


def test_an_inactive_account_loses_its_rights(two_authorities):
    # given an administrator of A whose account is deactivated
    a, _ = two_authorities
    membership = AgentMembershipFactory(authority=a, role=Role.ADMINISTRATOR)
    membership.user.is_active = False
    # when accessing A
    # then not found, and no permission
    with pytest.raises(Http404):
        access_authority(membership.user, a.pk)
    assert not can(membership.user, a, "view_requests")


def test_authority_ids_for_filters_by_exact_roles(two_authorities):
    # given an agent who is a manager at A and front desk at B
    a, b = two_authorities
    user = UserFactory()
    AgentMembershipFactory(user=user, authority=a, role=Role.MANAGER)
    AgentMembershipFactory(user=user, authority=b, role=Role.FRONT_DESK)
    # when listing the authorities, all and by role
    # then roles match exactly
    assert authority_ids_for(user) == {a.pk, b.pk}
    assert authority_ids_for(user, roles=[Role.MANAGER]) == {a.pk}
    assert authority_ids_for(user, roles=[Role.ADMINISTRATOR]) == set()
    assert has_role(user, b, [Role.FRONT_DESK, Role.CASE_HANDLER])
    assert not has_role(user, b, [Role.MANAGER])
    assert {m.authority for m in memberships_of(user)} == {a, b}


def test_can_answers_for_the_authority_asked_only(two_authorities):
    # given an administrator of A
    a, b = two_authorities
    user = AgentMembershipFactory(authority=a, role=Role.ADMINISTRATOR).user
    # when asking for B
    # then nothing
    assert can(user, a, "manage_competences")
    assert not can(user, b, "view_requests")
    assert not can(user, b.pk, "view_requests")


@pytest.mark.parametrize("role", ROLE_ORDER)
@pytest.mark.parametrize("permission", sorted(PERMISSIONS))
def test_the_role_table_is_exactly_the_expected_one(two_authorities, role, permission):
    # given an agent of A with `role`
    a, _ = two_authorities
    user = AgentMembershipFactory(authority=a, role=role).user
    # when asking for `permission`
    # then the written-out table answers
    assert can(user, a, permission) == (permission in EXPECTED[role])
    assert permissions_of(role) == EXPECTED[role]


def test_an_unknown_permission_is_a_programming_error(two_authorities):
    # given an administrator
    a, _ = two_authorities
    user = AgentMembershipFactory(authority=a, role=Role.ADMINISTRATOR).user
    # when asking for a misspelt permission
    # then an error, not a silent "no"
    with pytest.raises(KeyError):
        can(user, a, "handle_requests")


def test_can_is_monotonic_along_the_role_hierarchy(two_authorities):
    # given one agent per role at A
    a, _ = two_authorities
    agents = {role: AgentMembershipFactory(authority=a, role=role).user for role in ROLE_ORDER}

    @settings(max_examples=60, deadline=None)
    @given(
        lower=st.integers(0, len(ROLE_ORDER) - 1),
        step=st.integers(0, len(ROLE_ORDER) - 1),
        permission=st.sampled_from(sorted(PERMISSIONS)),
    )
    def check(lower, step, permission):
        higher = min(lower + step, len(ROLE_ORDER) - 1)
        # when a lower role may do something
        # then every higher role may too
        if can(agents[ROLE_ORDER[lower]], a, permission):
            assert can(agents[ROLE_ORDER[higher]], a, permission)

    check()
