import pytest
from django.db.models import Q

from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.people import actions, selectors
from guichet.people.models import (
    Consent,
    DuplicateSuspicion,
    Identity,
    NotificationPreference,
    OrganisationRole,
    Person,
    Verification,
)
from guichet.people.rights.models import AccessLog, DataExport

from .factories import HouseholdFactory, OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(actor):
    """A survivor and a record of the same person with a history of its own."""
    survivor = actions.create_person(
        actor=actor, first_name="Jeanne", last_name="Martin", category="resident", email="j@m.fr"
    )
    merged = actions.create_person(
        actor=actor,
        first_name="Jeanne",
        last_name="Martin",
        category="resident",
        email="j@m.fr",
        phone="0612345678",
        address="1 rue Houdan",
        verification=Verification.COUNTER_CHECKED,
    )
    return survivor, merged


def test_merge_moves_identities_keeping_the_best_verification(actor, pair):
    # given the same e-mail declared on the survivor and counter-checked on the merged record
    survivor, merged = pair
    # when they are merged
    actions.merge_persons(actor=actor, survivor=survivor, merged=merged)
    # then the survivor holds each identity once, at the best level
    assert sorted(survivor.identities.values_list("kind", "value", "verification")) == [
        ("email", "j@m.fr", Verification.COUNTER_CHECKED),
        ("phone", "+33612345678", Verification.COUNTER_CHECKED),
    ]
    assert not merged.identities.exists()


def test_merge_moves_consents_and_settles_preferences(actor, pair):
    # given consents on the merged record, and preferences on both, one of them on both
    survivor, merged = pair
    actions.record_consent(
        actor=actor, person=merged, purpose="broadcast", granted=True, source="guichet"
    )
    actions.set_preferences(actor=actor, person=survivor, preferences={("status", "email"): False})
    actions.set_preferences(
        actor=actor,
        person=merged,
        preferences={("status", "email"): True, ("receipt", "sms"): True},
    )
    # when they are merged
    actions.merge_persons(actor=actor, survivor=survivor, merged=merged)
    # then the consent is the survivor's, and the survivor's own preference wins the clash
    assert list(survivor.consents.values_list("purpose", "granted")) == [("broadcast", True)]
    assert dict(survivor.preferences.values_list("message_kind", "enabled")) == {
        "status": False,
        "receipt": True,
    }
    assert not merged.preferences.exists()
    assert not Consent.objects.filter(person=merged).exists()


def test_merge_keeps_one_organisation_role_and_the_household(actor, pair):
    # given both records members of one association, the merged one also of another,
    # and only the merged one in a household
    survivor, merged = pair
    shared, other = OrganisationFactory(), OrganisationFactory()
    OrganisationRole.objects.create(person=survivor, organisation=shared)
    OrganisationRole.objects.create(person=merged, organisation=shared, role="trésorière")
    OrganisationRole.objects.create(person=merged, organisation=other, role="présidente")
    household = HouseholdFactory()
    Person.objects.filter(pk=merged.pk).update(household=household)
    merged.refresh_from_db()
    # when they are merged
    actions.merge_persons(actor=actor, survivor=survivor, merged=merged)
    # then the survivor has one role per organisation, the role name kept, and the household
    assert sorted(survivor.organisation_roles.values_list("organisation", "role")) == sorted(
        [(shared.pk, "trésorière"), (other.pk, "présidente")]
    )
    survivor.refresh_from_db()
    assert survivor.household == household
    assert list(household.members.filter(merged_into__isnull=True)) == [survivor]
    # and blanks of the survivor are filled from the merged record
    assert survivor.address == "1 rue Houdan"


def test_merge_moves_the_journal_and_points_the_merged_record_to_the_survivor(actor, pair):
    # given events journaled for each record
    survivor, merged = pair
    merged_events = set(Event.objects.filter(person_id=merged.pk).values_list("pk", flat=True))
    assert merged_events
    # when they are merged
    actions.merge_persons(actor=actor, survivor=survivor, merged=merged)
    # then the merged record's events are the survivor's and the merged one points to it
    assert not Event.objects.filter(person_id=merged.pk).exists()
    assert merged_events <= set(
        Event.objects.filter(person_id=survivor.pk).values_list("pk", flat=True)
    )
    merged.refresh_from_db()
    assert merged.merged_into == survivor
    assert selectors.resolve(merged) == survivor
    # and one merge event tells what happened
    event = Event.objects.get(kind="person.merged")
    assert event.person_id == survivor.pk
    assert event.payload["merged"] == merged.pk
    assert event.payload["moved"]["people.identity"] == 1
    assert event.payload["dropped"]["people.identity"] == 1


def test_merge_closes_the_suspicion_between_the_two(actor):
    # given a new record suspected to duplicate a known one
    known = actions.create_person(
        actor=actor, first_name="A", last_name="B", category="resident", email="a@b.fr"
    )
    result = actions.find_or_create_person(actor=actor, email="a@b.fr")
    # when they are merged
    actions.merge_persons(actor=actor, survivor=known, merged=result.person)
    # then the suspicion is closed as merged, still about the pair
    suspicion = DuplicateSuspicion.objects.get()
    assert suspicion.status == DuplicateSuspicion.Status.MERGED
    assert suspicion.resolved_at is not None
    assert (suspicion.person, suspicion.candidate) == (result.person, known)
    assert selectors.open_suspicions().count() == 0


def test_merge_moves_suspicions_with_third_persons(actor):
    # given the merged record suspected with a third person, twice with a fourth
    survivor, merged, third, fourth = (PersonFactory() for _ in range(4))
    moved = actions.suspect_duplicate(actor=actor, person=merged, candidate=third, reason="x")
    actions.suspect_duplicate(actor=actor, person=survivor, candidate=fourth, reason="y")
    clash = actions.suspect_duplicate(actor=actor, person=merged, candidate=fourth, reason="z")
    # when they are merged
    actions.merge_persons(actor=actor, survivor=survivor, merged=merged)
    # then the suspicion with the third person follows, the duplicate one stays on the merged
    moved.refresh_from_db()
    clash.refresh_from_db()
    assert moved.person == survivor
    assert clash.person == merged
    payload = Event.objects.get(kind="person.merged").payload
    assert payload["kept_on_merged"] == {"people.duplicatesuspicion": 1}


def test_records_merged_earlier_follow_to_the_new_survivor(actor):
    # given a record already merged into one that is now merged in turn
    oldest, middle, survivor = PersonFactory(), PersonFactory(), PersonFactory()
    actions.merge_persons(actor=actor, survivor=middle, merged=oldest)
    # when the middle record is merged into the survivor
    actions.merge_persons(actor=actor, survivor=survivor, merged=middle)
    # then the oldest points straight to the survivor
    oldest.refresh_from_db()
    assert oldest.merged_into == survivor


def test_every_foreign_key_to_person_is_moved(actor, pair):
    # given rows of every model pointing to the merged record
    survivor, merged = pair
    third, fourth = PersonFactory(), PersonFactory()
    actions.record_consent(actor=actor, person=merged, purpose="surveys", granted=True, source="")
    actions.set_preferences(actor=actor, person=merged, preferences={("status", "sms"): True})
    OrganisationRole.objects.create(person=merged, organisation=OrganisationFactory())
    actions.suspect_duplicate(actor=actor, person=merged, candidate=third, reason="x")
    actions.suspect_duplicate(actor=actor, person=fourth, candidate=merged, reason="y")
    PersonFactory(merged_into=merged)
    # (the RGPD rights' rows: an export and an agent's look at the record)
    DataExport.objects.create(person=merged, status=DataExport.Status.READY)
    AccessLog.objects.create(person=merged, agent_label="Agent", what="fiche usager")
    relations = actions.person_relations()
    # (the generic list covers Django's related_objects and the hidden relations too)
    covered = {(r.related_model, r.field.name) for r in relations}
    assert {
        (r.related_model, r.field.name) for r in Person._meta.related_objects if not r.many_to_many
    } <= covered
    assert (DuplicateSuspicion, "candidate") in covered
    assert all(
        r.related_model._base_manager.filter(**{r.field.name: merged}).exists()
        for r in relations
        if r.related_model._meta.app_label == "people"
    ), "every relation of this app has a row to move (other apps' are checked empty below)"
    # when they are merged
    actions.merge_persons(actor=actor, survivor=survivor, merged=merged)
    # then no row points to the merged record any more
    left = {
        r.related_model._meta.label: r.related_model._base_manager.filter(
            **{r.field.name: merged}
        ).count()
        for r in relations
    }
    assert set(left.values()) == {0}, left


def test_merging_a_person_into_itself_is_refused(actor):
    # given a person
    person = PersonFactory()
    # when a person is merged into itself
    # then a French error is raised
    with pytest.raises(actions.MergeRefused, match="lui-même"):
        actions.merge_persons(actor=actor, survivor=person, merged=person)


def test_merging_again_is_refused(actor, pair):
    # given a merged pair
    survivor, merged = pair
    actions.merge_persons(actor=actor, survivor=survivor, merged=merged)
    events = Event.objects.count()
    # when the merge is repeated, or another record is merged into the merged one
    # then both are refused in French and nothing is written
    with pytest.raises(actions.MergeRefused, match="déjà été fusionné"):
        actions.merge_persons(actor=actor, survivor=survivor, merged=merged)
    with pytest.raises(actions.MergeRefused, match="déjà été fusionné"):
        actions.merge_persons(actor=actor, survivor=merged, merged=PersonFactory())
    assert Event.objects.count() == events


def test_merge_by_an_agent_is_attributed_to_the_agent(pair, django_user_model):
    # given an agent
    survivor, merged = pair
    agent = django_user_model.objects.create_user(username="agent.sceaux")
    # when the agent merges
    actions.merge_persons(actor=Actor.agent(agent), survivor=survivor, merged=merged)
    # then the event names the agent
    event = Event.objects.get(kind="person.merged")
    assert (event.actor_user, event.resource) == (agent, "agent.sceaux")


def test_a_merged_person_is_found_by_none_of_its_identities(actor, pair):
    # given a merged pair
    survivor, merged = pair
    actions.merge_persons(actor=actor, survivor=survivor, merged=merged)
    # when searching by the merged record's phone
    found = selectors.search_persons("06 12 34 56 78", among=Person.objects.all())
    # then only the survivor comes back
    assert found == [survivor]
    assert not Identity.objects.filter(Q(person=merged)).exists()
    assert not NotificationPreference.objects.filter(person=merged).exists()


def test_a_name_taken_from_the_merged_record_is_searchable_on_the_survivor(actor):
    # given a survivor recorded without a name, and a named record of the same person
    survivor = actions.create_person(
        actor=actor, first_name="", last_name="", email="anonyme@exemple.fr"
    )
    merged = actions.create_person(actor=actor, first_name="Éloïse", last_name="Du Pont")
    # when they are merged
    actions.merge_persons(actor=actor, survivor=survivor, merged=merged)
    # then the survivor has the name, and its derived search columns with it
    survivor.refresh_from_db()
    assert (survivor.first_name, survivor.search_name) == ("Éloïse", "eloise du pont")
    assert (survivor.first_name_key, survivor.last_name_key) == ("elo", "du ")
    assert selectors.search_persons("eloise du pont", among=Person.objects.all()) == [survivor]
