import pytest

from guichet.core.journal import append
from guichet.people import actions, selectors
from guichet.people.models import Person, Verification

from .factories import OrganisationFactory, PersonFactory

# The platform's administration searches everyone; agents search `people.access.visible_persons`
EVERYONE = Person.objects.all()

pytestmark = pytest.mark.django_db


@pytest.fixture
def eloise(actor):
    return actions.create_person(
        actor=actor,
        first_name="Éloïse",
        last_name="Le Bœuf",
        category="resident",
        email="eloise.leboeuf@example.fr",
        phone="06 12 34 56 78",
    )


@pytest.mark.parametrize(
    "query",
    [
        "eloise",
        "ELOÏSE",
        "boeuf",
        "le bœuf eloise",
        "Eloise.LeBoeuf@Example.fr",
        "eloise.leboeuf@",
        "0612345678",
        "+33 6 12 34 56 78",
        "0033 6.12.34.56.78",
    ],
)
def test_search_finds_a_person_by_name_email_or_phone_in_any_form(eloise, query):
    # given another person
    PersonFactory(first_name="Paul", last_name="Martin")
    # when searching with the name without accents, the e-mail or the phone in any format
    # then the person is found, alone
    assert selectors.search_persons(query, among=EVERYONE) == [eloise]


@pytest.mark.parametrize("query", ["", "   ", "zzz", "06 99 99 99 99", "nobody@example.fr"])
def test_search_finds_nobody_for_unknown_text(eloise, query):
    # given a known person
    # when searching for blank or unknown text
    # then nobody is found
    assert selectors.search_persons(query, among=EVERYONE) == []


def test_search_is_limited(actor):
    # given many Martins
    for _ in range(5):
        PersonFactory(first_name="Paul", last_name="Martin")
    # when searching with a limit
    # then no more than the limit comes back
    assert len(selectors.search_persons("martin", among=EVERYONE, limit=3)) == 3


def test_person_360_gathers_the_record(actor, eloise):
    # given a record with an organisation, consents, preferences, a suspicion and events
    organisation = OrganisationFactory(name="Les amis du parc")
    organisation.roles.create(person=eloise, role="présidente")
    actions.record_consent(
        actor=actor, person=eloise, purpose="broadcast", granted=True, source="web"
    )
    actions.record_consent(
        actor=actor, person=eloise, purpose="broadcast", granted=False, source="web"
    )
    actions.set_preferences(actor=actor, person=eloise, preferences={("status", "sms"): True})
    twin = actions.find_or_create_person(actor=actor, email="eloise.leboeuf@example.fr").person
    append(kind="request.submitted", actor=actor, person_id=eloise.pk, payload={})
    # when the 360° view is read
    view = selectors.person_360(eloise)
    # then it holds everything, events in time order
    assert [i.kind for i in view.identities] == ["email", "phone"]
    assert [r.organisation for r in view.organisation_roles] == [organisation]
    assert view.consents["broadcast"].granted is False
    assert [(p.message_kind, p.channel) for p in view.preferences] == [("status", "sms")]
    assert [(s.person, s.candidate) for s in view.suspicions] == [(twin, eloise)]
    assert [e.kind for e in view.events] == [
        "person.created",
        "person.consent_recorded",
        "person.consent_recorded",
        "person.preferences_changed",
        "request.submitted",
    ]


def test_resolve_follows_merges(actor):
    # given a chain of merges
    first, second = PersonFactory(), PersonFactory()
    actions.merge_persons(actor=actor, survivor=second, merged=first)
    first.refresh_from_db()
    # then the survivor resolves to itself and the merged one to the survivor
    assert selectors.resolve(second) == second
    assert selectors.resolve(first) == second


def test_open_suspicions_lists_the_likeliest_first(actor):
    # given a weak and a strong suspicion, and a dismissed one
    a, b, c, d = (PersonFactory() for _ in range(4))
    weak = actions.suspect_duplicate(actor=actor, person=a, candidate=b, reason="x", score=0.5)
    strong = actions.suspect_duplicate(actor=actor, person=c, candidate=d, reason="y", score=0.9)
    dismissed = actions.suspect_duplicate(actor=actor, person=a, candidate=d, reason="z", score=1)
    actions.dismiss_suspicion(actor=actor, suspicion=dismissed)
    # then the open ones come, strongest first
    assert list(selectors.open_suspicions()) == [strong, weak]


def test_verified_identities_come_first_in_the_360_view(actor):
    # given a person with a declared and a verified e-mail
    person = PersonFactory()
    actions.add_identity(actor=actor, person=person, kind="email", value="a@x.fr")
    actions.add_identity(
        actor=actor,
        person=person,
        kind="email",
        value="b@x.fr",
        verification=Verification.FRANCECONNECT,
    )
    # when the 360° view is read
    view = selectors.person_360(person)
    # then the verified one comes first
    assert [i.value for i in view.identities] == ["b@x.fr", "a@x.fr"]
