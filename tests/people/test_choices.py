import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guichet.core.models import Event
from guichet.people import actions, selectors
from guichet.people.models import Identity, Person, Verification

from .factories import IdentityFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reachable():
    """A person with an e-mail and a phone."""
    person = PersonFactory()
    IdentityFactory(person=person)
    IdentityFactory(person=person, kind=Identity.Kind.PHONE, value="+33612345678")
    return person


def test_email_is_wanted_by_default_for_request_messages(reachable):
    # given a person with an e-mail and no choices made
    # then e-mail is wanted for every request message, SMS for none
    for kind in ["receipt", "status", "message", "action_needed", "handoff", "resolved"]:
        assert selectors.wants(reachable, kind, "email") is True
        assert selectors.wants(reachable, kind, "sms") is False


def test_nothing_is_wanted_on_a_channel_without_address():
    # given a person with a phone only
    person = IdentityFactory(kind=Identity.Kind.PHONE, value="+33612345678").person
    # then e-mail is never wanted, even if chosen
    assert selectors.wants(person, "status", "email") is False


def test_sms_is_wanted_once_chosen(actor, reachable):
    # given a person who chose SMS for status changes
    actions.set_preferences(actor=actor, person=reachable, preferences={("status", "sms"): True})
    # then SMS is wanted for status changes only
    assert selectors.wants(reachable, "status", "sms") is True
    assert selectors.wants(reachable, "resolved", "sms") is False


def test_an_explicit_refusal_of_email_wins(actor, reachable):
    # given a person who refused e-mails for receipts
    actions.set_preferences(
        actor=actor, person=reachable, preferences={("receipt", "email"): False}
    )
    # then no receipt by e-mail, other e-mails still
    assert selectors.wants(reachable, "receipt", "email") is False
    assert selectors.wants(reachable, "status", "email") is True


def test_broadcast_needs_a_granted_consent(actor, reachable):
    # given no consent yet
    assert selectors.wants(reachable, "broadcast", "email") is False
    # when the person grants it
    actions.record_consent(
        actor=actor, person=reachable, purpose="broadcast", granted=True, source="portail"
    )
    # then broadcasts are wanted by e-mail; when withdrawn, no longer
    assert selectors.wants(reachable, "broadcast", "email") is True
    actions.record_consent(
        actor=actor, person=reachable, purpose="broadcast", granted=False, source="portail"
    )
    assert selectors.wants(reachable, "broadcast", "email") is False


def test_withdrawing_notifications_consent_stops_everything(actor, reachable):
    # given a person who chose SMS and granted broadcasts
    actions.set_preferences(actor=actor, person=reachable, preferences={("status", "sms"): True})
    actions.record_consent(
        actor=actor, person=reachable, purpose="broadcast", granted=True, source="portail"
    )
    # when the notifications consent is withdrawn
    actions.record_consent(
        actor=actor, person=reachable, purpose="notifications", granted=False, source="courrier"
    )
    # then nothing at all is wanted
    assert not any(
        selectors.wants(reachable, kind, channel)
        for kind in ["receipt", "status", "broadcast", "appointment"]
        for channel in ["email", "sms"]
    )


def test_record_consent_journals_each_decision(actor, reachable):
    # when a consent is granted then withdrawn
    actions.record_consent(
        actor=actor, person=reachable, purpose="surveys", granted=True, source="guichet"
    )
    actions.record_consent(
        actor=actor, person=reachable, purpose="surveys", granted=False, source="web"
    )
    # then both decisions are kept, the latest in force, each journaled
    assert reachable.consents.count() == 2
    assert selectors.consents_in_force(reachable)["surveys"].granted is False
    assert [e.payload["granted"] for e in Event.objects.filter(kind="person.consent_recorded")] == [
        True,
        False,
    ]


def test_unknown_purposes_kinds_and_channels_are_refused(actor, reachable):
    # when a consent or preference names an unknown purpose, message kind or channel
    # then a French error is raised and nothing is journaled
    with pytest.raises(actions.PeopleError, match="Finalité"):
        actions.record_consent(actor=actor, person=reachable, purpose="x", granted=True, source="")
    with pytest.raises(actions.PeopleError, match="Type de message"):
        actions.set_preferences(actor=actor, person=reachable, preferences={("x", "sms"): True})
    with pytest.raises(actions.PeopleError, match="Canal"):
        actions.set_preferences(
            actor=actor, person=reachable, preferences={("status", "fax"): True}
        )
    assert not Event.objects.exists()


def test_set_preferences_updates_in_place_with_one_event(actor, reachable):
    # given a preference
    actions.set_preferences(actor=actor, person=reachable, preferences={("status", "sms"): True})
    # when it is changed along with another
    actions.set_preferences(
        actor=actor,
        person=reachable,
        preferences={("status", "sms"): False, ("resolved", "sms"): True},
    )
    # then each pair exists once and each call journaled one event
    assert dict(reachable.preferences.values_list("message_kind", "enabled")) == {
        "status": False,
        "resolved": True,
    }
    events = Event.objects.filter(kind="person.preferences_changed")
    assert [e.payload for e in events] == [
        {"status/sms": True},
        {"resolved/sms": True, "status/sms": False},
    ]


_decisions = st.lists(
    st.tuples(st.sampled_from(["notifications", "broadcast", "surveys"]), st.booleans()),
    max_size=5,
)
_preferences = st.dictionaries(
    st.tuples(
        st.sampled_from(["receipt", "status", "broadcast"]), st.sampled_from(["email", "sms"])
    ),
    st.booleans(),
    max_size=4,
)


def any_choices(test):
    """Run `test` over any history of consents, any preferences and any identities."""
    return settings(
        max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )(
        given(
            decisions=_decisions, preferences=_preferences,
            has_email=st.booleans(), has_phone=st.booleans(),
        )(test)
    )  # fmt: skip


def choose(actor, person, decisions, preferences) -> None:
    for purpose, granted in decisions:
        actions.record_consent(
            actor=actor, person=person, purpose=purpose, granted=granted, source="test"
        )
    actions.set_preferences(actor=actor, person=person, preferences=preferences)


def by_the_rules(person, kind: str, channel: str) -> bool:
    """The rules of `selectors.wants`, written again over each table read through the ORM."""
    latest = {}
    for consent in person.consents.order_by("-decided_at", "-id"):
        latest.setdefault(consent.purpose, consent.granted)
    if latest.get("notifications") is False:
        return False
    if kind == "broadcast" and latest.get("broadcast") is not True:
        return False
    if not person.identities.filter(kind="email" if channel == "email" else "phone").exists():
        return False
    preference = person.preferences.filter(message_kind=kind, channel=channel).first()
    return preference.enabled if preference is not None else channel == "email"


def assert_choices_decide_like_the_rules(person) -> None:
    choices = selectors.notification_choices(person)
    for kind in ["receipt", "status", "broadcast"]:
        for channel in ["email", "sms"]:
            expected = by_the_rules(person, kind, channel)
            assert selectors.wants(person, kind, channel, choices=choices) is expected
            assert selectors.wants(person, kind, channel) is expected


@any_choices
def test_choices_read_in_one_query_decide_like_the_plain_rules(
    actor, decisions, preferences, has_email, has_phone
):
    # given any history of consents, any preferences and any identities
    person = PersonFactory()
    if has_email:
        IdentityFactory(person=person)
    if has_phone:
        IdentityFactory(person=person, kind=Identity.Kind.PHONE, value="+33612345678")
    choose(actor, person, decisions, preferences)
    # when the choices are read at once (what the outbox does)
    # then every (message, channel) is decided as by the rules reading each table
    assert_choices_decide_like_the_rules(person)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(has_email=st.booleans(), has_phone=st.booleans())
def test_a_new_persons_choices_come_with_its_creation_and_decide_like_the_rules(
    actor, has_email, has_phone
):
    # when a person is created with any identities
    match = actions.find_or_create_person(
        actor=actor, first_name="Nina", last_name="Roux",
        email="nina.roux@exemple.fr" if has_email else None,
        phone="06 12 34 56 78" if has_phone else None,
    )  # fmt: skip
    # then its creation says what its choices are (no consent, no preference), and they
    # decide every (message, channel) as the rules reading each table
    assert match.created and not match.choices.consents and not match.choices.preferences
    assert match.choices == selectors.notification_choices(match.person)
    for kind in ["receipt", "status", "broadcast"]:
        for channel in ["email", "sms"]:
            assert selectors.wants(
                match.person, kind, channel, choices=match.choices
            ) == selectors.wants(match.person, kind, channel)


def test_a_person_found_again_brings_no_choices_and_reads_them_fresh(actor):
    # given a person created with a verified e-mail, then given a phone
    first = actions.find_or_create_person(
        actor=actor, first_name="Nina", last_name="Roux", email="nina.roux@exemple.fr",
        verification=Verification.EMAIL_VERIFIED,
    )  # fmt: skip
    actions.add_identity(actor=actor, person=first.person, kind="phone", value="0612345678")
    # when the same verified e-mail finds them again
    again = actions.find_or_create_person(
        actor=actor, email="nina.roux@exemple.fr", verification=Verification.EMAIL_VERIFIED
    )
    # then nothing is passed on: what was written since is read, the phone with it
    assert not again.created and again.choices is None
    choices = selectors.notification_choices(Person.objects.get(pk=first.person.pk))
    assert choices.recipient(Identity.Kind.PHONE) == "+33612345678"
