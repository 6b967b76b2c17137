import pytest
from django.urls import reverse

from guichet.core.models import Event
from guichet.people import actions
from guichet.people.models import DuplicateSuspicion, Organisation

from .factories import OrganisationFactory, sceaux_siret

pytestmark = pytest.mark.django_db


@pytest.fixture
def suspected(actor):
    """A known person and a newer record suspected to duplicate it."""
    known = actions.create_person(
        actor=actor, first_name="Jeanne", last_name="Martin", category="resident", email="j@m.fr"
    )
    result = actions.find_or_create_person(actor=actor, email="j@m.fr", phone="0612345678")
    actions.record_consent(
        actor=actor, person=known, purpose="surveys", granted=True, source="guichet"
    )
    actions.set_preferences(actor=actor, person=known, preferences={("status", "sms"): True})
    return known, result.person, result.suspicion


@pytest.mark.parametrize("name", ["person", "organisation", "duplicatesuspicion", "household"])
def test_admin_lists_and_add_pages_load(admin_client, suspected, name):
    # given records of every kind
    OrganisationFactory()
    # when an administrator opens the list and the add page
    listing = admin_client.get(reverse(f"admin:people_{name}_changelist"))
    # then they load
    assert listing.status_code == 200
    # persons come in through the filing paths and the counter; suspicions through matching
    expected = 403 if name in ("person", "duplicatesuspicion") else 200
    assert admin_client.get(reverse(f"admin:people_{name}_add")).status_code == expected


def test_admin_person_page_shows_identities_consents_and_preferences(admin_client, suspected):
    # given a person with identities, consents and preferences
    known, _, _ = suspected
    # when the administrator opens the person
    page = admin_client.get(reverse("admin:people_person_change", args=[known.pk]))
    # then the inlines show them
    assert page.status_code == 200
    content = page.content.decode()
    assert "j@m.fr" in content
    assert "répondre aux enquêtes de satisfaction" in content
    assert "changement d&#x27;état" in content or "status" in content


def test_admin_person_search_understands_phone_formats(admin_client, suspected):
    # given a person known by a phone
    _, newer, _ = suspected
    # when the administrator searches it in another format
    page = admin_client.get(reverse("admin:people_person_changelist"), {"q": "+33 6 12 34 56 78"})
    # then exactly that person is listed
    assert list(page.context["cl"].result_list) == [newer]


def test_admin_suspicion_page_loads(admin_client, suspected):
    # given a suspicion
    # when the administrator opens it
    # then the page loads
    _, _, suspicion = suspected
    page = admin_client.get(reverse("admin:people_duplicatesuspicion_change", args=[suspicion.pk]))
    assert page.status_code == 200


def test_admin_merge_action_merges_into_the_oldest_record(admin_client, suspected):
    # given an open suspicion between a known person and a newer record
    known, newer, suspicion = suspected
    # when the administrator runs "fusionner" on it
    response = admin_client.post(
        reverse("admin:people_duplicatesuspicion_changelist"),
        {"action": "merge", "_selected_action": [suspicion.pk]},
        follow=True,
    )
    # then the newer record is merged into the known one, by the administrator
    assert response.status_code == 200
    newer.refresh_from_db()
    assert newer.merged_into == known
    assert set(known.identities.values_list("value", flat=True)) == {"j@m.fr", "+33612345678"}
    suspicion.refresh_from_db()
    assert suspicion.status == DuplicateSuspicion.Status.MERGED
    assert Event.objects.get(kind="person.merged").resource == "admin"
    assert "1 fusion effectuée." in response.content.decode()


def test_admin_merge_action_reports_a_refusal(admin_client, suspected, actor):
    # given a suspicion already dismissed
    _, newer, suspicion = suspected
    actions.dismiss_suspicion(actor=actor, suspicion=suspicion)
    # when the administrator runs "fusionner" on it
    response = admin_client.post(
        reverse("admin:people_duplicatesuspicion_changelist"),
        {"action": "merge", "_selected_action": [suspicion.pk]},
        follow=True,
    )
    # then nothing is merged and the French reason is shown
    newer.refresh_from_db()
    assert newer.merged_into is None
    assert "déjà été traité" in response.content.decode()


def test_admin_dismiss_action_marks_the_pair_as_distinct(admin_client, suspected):
    # given an open suspicion
    known, newer, suspicion = suspected
    # when the administrator runs "pas un doublon"
    admin_client.post(
        reverse("admin:people_duplicatesuspicion_changelist"),
        {"action": "dismiss", "_selected_action": [suspicion.pk]},
    )
    # then it is dismissed and both records stay
    suspicion.refresh_from_db()
    assert suspicion.status == DuplicateSuspicion.Status.DISMISSED
    newer.refresh_from_db()
    assert newer.merged_into is None
    assert Event.objects.filter(kind="person.duplicate_dismissed").count() == 1


def test_admin_organisation_form_validates_siret(admin_client):
    # when an organisation is added with a wrong SIRET, then with a spaced valid one
    url = reverse("admin:people_organisation_add")
    form = {
        "kind": "public",
        "name": "Mairie de Sceaux",
        "siret": "21920071400019",
        "rna": "",
        "roles-TOTAL_FORMS": "0",
        "roles-INITIAL_FORMS": "0",
    }
    refused = admin_client.post(url, form)
    accepted = admin_client.post(url, {**form, "siret": "219 200 714 00018"})
    # then the first is refused in French and the second stored compact
    assert "n&#x27;est pas valide" in refused.content.decode()
    assert accepted.status_code == 302
    assert Organisation.objects.get().siret == sceaux_siret(1)
