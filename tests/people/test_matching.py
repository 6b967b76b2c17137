import pytest

from guichet.core.models import Event
from guichet.people import actions
from guichet.people.models import DuplicateSuspicion, Identity, Person, Verification

from .factories import CommuneFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_create_person_stores_normalised_identities_and_one_event(actor):
    # given a resident's details as typed at the counter
    # when the person is created
    person = actions.create_person(
        actor=actor,
        first_name="Jeanne",
        last_name="Martin",
        category="resident",
        email=" Jeanne.Martin@Example.fr ",
        phone="06 12 34 56 78",
        channel="counter",
    )
    # then the identities are normalised and one event is journaled for the person
    assert set(person.identities.values_list("kind", "value")) == {
        ("email", "jeanne.martin@example.fr"),
        ("phone", "+33612345678"),
    }
    events = Event.objects.filter(person_id=person.pk)
    assert [(e.kind, e.channel) for e in events] == [("person.created", "counter")]
    assert "jeanne.martin@example.fr" not in str(events[0].payload)


def test_create_person_refuses_an_invalid_phone_and_writes_nothing(actor):
    # given a phone number that does not exist
    # when a person is created with it
    # then a French error is raised and nothing is stored
    with pytest.raises(actions.IdentifierError, match="téléphone"):
        actions.create_person(
            actor=actor, first_name="A", last_name="B", category="resident", phone="12"
        )
    assert not Person.objects.exists()
    assert not Event.objects.exists()


def test_a_verified_email_finds_the_person_who_verified_it(actor):
    # given a person whose e-mail is verified
    known = actions.create_person(
        actor=actor,
        first_name="Jeanne",
        last_name="Martin",
        category="resident",
        email="jeanne@example.fr",
        verification=Verification.EMAIL_VERIFIED,
    )
    events_before = Event.objects.count()
    # when someone signs in with the same e-mail, verified, in another case
    result = actions.find_or_create_person(
        actor=actor, email="JEANNE@example.fr", verification=Verification.EMAIL_VERIFIED
    )
    # then that person is returned and nothing is written
    assert result.person == known
    assert result.created is False
    assert result.suspicion is None
    assert Person.objects.count() == 1
    assert Event.objects.count() == events_before


def test_a_verified_email_finds_the_survivor_of_a_merge(actor):
    # given a verified e-mail on a person later merged into another
    survivor = PersonFactory()
    merged = actions.create_person(
        actor=actor,
        first_name="Jeanne",
        last_name="Martin",
        category="resident",
        email="jeanne@example.fr",
        verification=Verification.FRANCECONNECT,
    )
    actions.merge_persons(actor=actor, survivor=survivor, merged=merged)
    # when the e-mail is presented verified again
    result = actions.find_or_create_person(
        actor=actor, email="jeanne@example.fr", verification=Verification.FRANCECONNECT
    )
    # then the survivor is found
    assert result.person == survivor
    assert result.created is False


def test_an_unverified_email_of_a_known_person_creates_a_suspect_new_person(actor):
    # given a person known by a verified e-mail
    known = actions.create_person(
        actor=actor,
        first_name="Jeanne",
        last_name="Martin",
        category="resident",
        email="jeanne@example.fr",
        verification=Verification.EMAIL_VERIFIED,
    )
    # when a web form is filed with the same e-mail, not verified
    result = actions.find_or_create_person(
        actor=actor, email="jeanne@example.fr", first_name="J.", last_name="Martin", channel="web"
    )
    # then a new person is created, and a suspicion links it to the known one
    assert result.created is True
    assert result.person != known
    assert result.suspicion is not None
    assert (result.suspicion.person, result.suspicion.candidate) == (result.person, known)
    assert result.suspicion.status == DuplicateSuspicion.Status.OPEN
    assert "courriel" in result.suspicion.reason
    # and nothing was merged: the known person keeps only its own identity
    assert known.identities.count() == 1
    created = Event.objects.get(person_id=result.person.pk)
    assert created.kind == "person.created"
    assert created.payload["suspected_duplicates"] == [known.pk]


def test_same_name_and_same_phone_is_the_strongest_suspicion(actor):
    # given two known persons with the same phone, one of them with the same name
    namesake = actions.create_person(
        actor=actor,
        first_name="Éloïse",
        last_name="Durand",
        category="resident",
        phone="0612345678",
    )
    relative = actions.create_person(
        actor=actor, first_name="Marc", last_name="Durand", category="resident", phone="0612345678"
    )
    # when a phone call is recorded from that number by "Eloise DURAND"
    result = actions.find_or_create_person(
        actor=actor, phone="+33 6 12 34 56 78", first_name="Eloise", last_name="DURAND"
    )
    # then both are suspected, the namesake first with the full score
    assert [s.candidate for s in result.suspicions] == [namesake, relative]
    assert result.suspicion.score == 1.0
    assert "même nom" in result.suspicion.reason
    assert result.suspicions[1].score < 1.0


def test_a_very_similar_name_in_the_same_commune_is_suspected(actor):
    # given a known person in a commune, and a namesake elsewhere
    sceaux, bagneux = CommuneFactory(name="Sceaux"), CommuneFactory(name="Bagneux")
    known = PersonFactory(first_name="Jean", last_name="Dupont", commune=sceaux)
    PersonFactory(first_name="Jean", last_name="Dupont", commune=bagneux)
    PersonFactory(first_name="Jeanne", last_name="Dupuis", commune=sceaux)
    # when someone in the same commune writes as "Jean Dupond", with no e-mail or phone
    result = actions.find_or_create_person(
        actor=actor, first_name="Jean", last_name="Dupond", commune=sceaux
    )
    # then only the person of the same commune with the near-identical name is suspected
    assert result.created is True
    assert [s.candidate for s in result.suspicions] == [known]
    assert "nom très proche" in result.suspicion.reason
    assert result.person.commune == sceaux


@pytest.mark.parametrize(
    ("typed_first", "typed_last"),
    [("Jaen", "Dupont"), ("Jean", "Dpuont")],  # a typo at the start of one name or the other
)
def test_a_typo_at_the_start_of_one_name_is_still_suspected(actor, typed_first, typed_last):
    # given a known "Jean Dupont" among many residents of a town
    town = CommuneFactory(name="Sceaux")
    known = PersonFactory(first_name="Jean", last_name="Dupont", commune=town)
    for index in range(30):
        PersonFactory(first_name=f"Camille{index}", last_name=f"Martin{index}", commune=town)
    # when a new record arrives with a typo in the first letters of one of the names
    result = actions.find_or_create_person(
        actor=actor, first_name=typed_first, last_name=typed_last, commune=town
    )
    # then the other name's first letters still bring the known person to be compared
    assert [s.candidate for s in result.suspicions] == [known]


def test_nobody_alike_creates_a_person_without_suspicion(actor):
    # given an unrelated known person
    actions.create_person(
        actor=actor, first_name="Paul", last_name="Bernard", category="resident", email="p@b.fr"
    )
    # when a new resident writes in
    result = actions.find_or_create_person(
        actor=actor, email="claire@example.fr", first_name="Claire", last_name="Petit"
    )
    # then a person is created with no suspicion
    assert result.created is True
    assert result.suspicion is None
    assert result.suspicions == ()
    assert not DuplicateSuspicion.objects.exists()


def test_a_new_verified_email_creates_a_person_with_that_level_on_the_email_only(actor):
    # given nobody with this e-mail
    # when a person arrives with a confirmed e-mail and a typed phone
    result = actions.find_or_create_person(
        actor=actor,
        email="new@example.fr",
        phone="0612345678",
        verification=Verification.EMAIL_VERIFIED,
    )
    # then the e-mail is verified and the phone only declared
    levels = dict(result.person.identities.values_list("kind", "verification"))
    assert levels == {
        Identity.Kind.EMAIL: Verification.EMAIL_VERIFIED,
        Identity.Kind.PHONE: Verification.DECLARED,
    }


def test_merged_persons_are_not_suspected(actor):
    # given two records of Jean Dupont in Sceaux, merged into one
    sceaux = CommuneFactory(name="Sceaux")
    survivor = PersonFactory(first_name="Jean", last_name="Dupont", commune=sceaux)
    merged = PersonFactory(first_name="Jean", last_name="Dupont", commune=sceaux)
    actions.merge_persons(actor=actor, survivor=survivor, merged=merged)
    # when Jean Dupont of Sceaux writes in again, unverified
    result = actions.find_or_create_person(
        actor=actor, first_name="Jean", last_name="Dupont", commune=sceaux
    )
    # then only the survivor is suspected
    assert [s.candidate for s in result.suspicions] == [survivor]
