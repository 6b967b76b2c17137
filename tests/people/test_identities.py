import pytest

from guichet.core.models import Event
from guichet.people import actions
from guichet.people.models import DuplicateSuspicion, Identity, Verification

from .factories import IdentityFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_add_identity_normalises_and_journals(actor):
    # given a person
    person = PersonFactory()
    # when a phone number is added in national format
    identity = actions.add_identity(
        actor=actor, person=person, kind=Identity.Kind.PHONE, value="06 12 34 56 78"
    )
    # then it is stored in E.164, declared, with one event
    assert (identity.value, identity.verification) == ("+33612345678", Verification.DECLARED)
    assert list(Event.objects.values_list("kind", "person_id")) == [
        ("person.identity_added", person.pk)
    ]


def test_adding_a_known_identity_again_changes_nothing(actor):
    # given a person with a declared e-mail
    person = PersonFactory()
    first = actions.add_identity(actor=actor, person=person, kind="email", value="a@b.fr")
    # when the same e-mail is added in capitals
    again = actions.add_identity(actor=actor, person=person, kind="email", value="A@B.FR")
    # then it is the same identity and no second event is written
    assert again == first
    assert Event.objects.count() == 1


def test_verify_identity_raises_the_level_and_journals(actor):
    # given a declared e-mail
    identity = IdentityFactory(value="a@b.fr")
    # when it is confirmed by a link sent by e-mail
    verified = actions.verify_identity(
        actor=actor, identity=identity, level=Verification.EMAIL_VERIFIED
    )
    # then it is verified, dated and journaled
    assert verified.verification == Verification.EMAIL_VERIFIED
    assert verified.verified_at is not None
    event = Event.objects.get()
    assert (event.kind, event.person_id) == ("person.identity_verified", identity.person_id)
    assert event.payload["to"] == Verification.EMAIL_VERIFIED


def test_verify_identity_never_lowers_the_level(actor):
    # given an identity checked at the counter
    identity = IdentityFactory(verification=Verification.COUNTER_CHECKED)
    # when a weaker check is recorded
    result = actions.verify_identity(
        actor=actor, identity=identity, level=Verification.EMAIL_VERIFIED
    )
    # then the counter check stays and nothing is journaled
    assert result.verification == Verification.COUNTER_CHECKED
    assert not Event.objects.exists()


def test_verifying_at_declared_level_is_refused(actor):
    # given a declared identity
    identity = IdentityFactory()
    # when it is "verified" at the declared level
    # then a French error is raised
    with pytest.raises(actions.PeopleError, match="déclaré"):
        actions.verify_identity(actor=actor, identity=identity, level=Verification.DECLARED)


def test_verifying_a_value_verified_for_someone_else_flags_a_duplicate(actor):
    # given an e-mail verified for one person and declared by another
    owner = IdentityFactory(value="a@b.fr", verification=Verification.FRANCECONNECT).person
    claimed = IdentityFactory(value="a@b.fr")
    # when the second person's e-mail is verified
    with pytest.raises(
        actions.IdentityConflict, match="déjà vérifié pour un autre usager"
    ) as error:
        actions.verify_identity(actor=actor, identity=claimed, level=Verification.EMAIL_VERIFIED)
    # then the identity is not taken from the owner, and a suspicion is recorded and journaled
    assert error.value.owner == owner
    claimed.refresh_from_db()
    assert claimed.verification == Verification.DECLARED
    suspicion = DuplicateSuspicion.objects.get()
    assert (suspicion.person, suspicion.candidate) == (claimed.person, owner)
    assert error.value.suspicion == suspicion
    assert Event.objects.get().kind == "person.duplicate_suspected"


def test_adding_a_verified_value_of_someone_else_flags_a_duplicate(actor):
    # given a phone verified by SMS for one person
    owner = IdentityFactory(
        kind="phone", value="+33612345678", verification=Verification.SMS_VERIFIED
    ).person
    other = PersonFactory()
    # when the same phone is added as verified to another person
    with pytest.raises(actions.IdentityConflict, match="numéro de téléphone"):
        actions.add_identity(
            actor=actor,
            person=other,
            kind="phone",
            value="06 12 34 56 78",
            verification=Verification.SMS_VERIFIED,
        )
    # then the other person gets no identity and a suspicion points to the owner
    assert not other.identities.exists()
    assert DuplicateSuspicion.objects.get().candidate == owner


def test_create_person_with_a_verified_value_of_someone_else_is_refused(actor):
    # given an e-mail verified for someone
    IdentityFactory(value="a@b.fr", verification=Verification.EMAIL_VERIFIED)
    # when a new person is created claiming it verified
    # then it is refused and nobody is created
    with pytest.raises(actions.IdentityConflict):
        actions.create_person(
            actor=actor,
            first_name="X",
            last_name="Y",
            category="resident",
            email="a@b.fr",
            verification=Verification.EMAIL_VERIFIED,
        )
    assert not Event.objects.filter(kind="person.created").exists()


def test_writes_on_a_merged_person_are_refused(actor):
    # given a merged person
    survivor, merged = PersonFactory(), PersonFactory()
    actions.merge_persons(actor=actor, survivor=survivor, merged=merged)
    merged.refresh_from_db()
    # when an identity is added to it
    # then a French error points to the survivor
    with pytest.raises(actions.PeopleError, match=f"usager n° {survivor.pk}"):
        actions.add_identity(actor=actor, person=merged, kind="email", value="a@b.fr")


def test_suspect_duplicate_is_idempotent_per_pair(actor):
    # given two persons already suspected
    first, second = PersonFactory(), PersonFactory()
    suspicion = actions.suspect_duplicate(actor=actor, person=first, candidate=second, reason="x")
    # when the same pair is suspected again, in the other direction
    again = actions.suspect_duplicate(actor=actor, person=second, candidate=first, reason="y")
    # then it is the same suspicion, journaled once
    assert again == suspicion
    assert Event.objects.filter(kind="person.duplicate_suspected").count() == 1


def test_dismiss_suspicion_closes_it_once(actor):
    # given an open suspicion
    first, second = PersonFactory(), PersonFactory()
    suspicion = actions.suspect_duplicate(actor=actor, person=first, candidate=second, reason="x")
    # when an agent says they are different people
    dismissed = actions.dismiss_suspicion(actor=actor, suspicion=suspicion)
    # then it is dismissed and dated; dismissing again is refused
    assert dismissed.status == DuplicateSuspicion.Status.DISMISSED
    assert dismissed.resolved_at is not None
    assert Event.objects.filter(kind="person.duplicate_dismissed").count() == 1
    with pytest.raises(actions.PeopleError, match="déjà été traité"):
        actions.dismiss_suspicion(actor=actor, suspicion=suspicion)
